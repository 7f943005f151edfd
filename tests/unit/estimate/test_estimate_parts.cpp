// The estimator's parts against figures worked out by hand: CPU peaks from
// cores × clock × ops per cycle, unified and host memory shares, MoE expert
// coverage, all-reduces over different links, pipeline stages across nodes.

#include "support/builtin_catalog.hpp"

#include "accuracy.hpp"
#include "estimate/detail.hpp"

#include <algorithm>
#include <fstream>

using llmhw::estimate::run;
using llmhw::test::builtin_catalog;
using llmhw::test::candidate;
using llmhw::test::catalog_model;
using llmhw::test::d;
using llmhw::test::workload_of;

namespace {

bool mentions(const std::vector<std::string>& assumptions, const std::string& text)
{
  return std::any_of(assumptions.begin(), assumptions.end(),
                     [&](const std::string& line) { return line.find(text) != std::string::npos; });
}

} // namespace

TEST_CASE("CPU peaks: cores x turbo clock x operations per cycle of the unit", "[estimate][cpu]")
{
  using llmhw::estimate::detail::cpu_peak_flops;
  const auto& catalog = builtin_catalog();
  // Xeon Platinum 8480+ (Intel ark): 56 cores, 3.8 GHz turbo; AMX: 1024 bf16 FLOP and 2048 int8 OP per cycle
  // per core; its vector units: AVX512-BF16 2 x 64, VNNI 4 x 64.
  const auto* xeon = catalog.find_hardware("xeon-platinum-8480");
  REQUIRE(xeon != nullptr);
  CHECK(cpu_peak_flops(*xeon, "bf16").value() == Approx(56 * 3.8e9 * 1024));
  CHECK(cpu_peak_flops(*xeon, "int8").value() == Approx(56 * 3.8e9 * 2048));
  CHECK(cpu_peak_flops(*xeon, "amx_int8").value() == Approx(56 * 3.8e9 * 2048));
  CHECK(cpu_peak_flops(*xeon, "int8_vector").value() == Approx(56 * 3.8e9 * 256));
  CHECK(cpu_peak_flops(*xeon, "bf16_vector").value() == Approx(56 * 3.8e9 * 128));
  // AVX-512 on two FMA ports: 16 fp32 lanes x 2 x 2 = 64 FLOP per cycle.
  CHECK(cpu_peak_flops(*xeon, "fp32").value() == Approx(56 * 3.8e9 * 64));
  // EPYC 9654 (Zen 4 runs AVX-512 as two 256-bit halves): 96 cores x 3.7 GHz x 32; VNNI int8 4x that.
  const auto* epyc = catalog.find_hardware("epyc-9654");
  REQUIRE(epyc != nullptr);
  REQUIRE(epyc->cpu->boost_clock_ghz);
  const double epyc_clock = *epyc->cpu->boost_clock_ghz * 1e9;
  CHECK(cpu_peak_flops(*epyc, "fp32").value() == Approx(96 * epyc_clock * 32));
  CHECK(cpu_peak_flops(*epyc, "int8").value() == Approx(96 * epyc_clock * 128));
  // Raspberry Pi 5: 4 Cortex-A76 at 2.4 GHz, two 128-bit NEON pipes: 16 fp32 FLOP per cycle, dotprod int8 4x.
  const auto* pi = catalog.find_hardware("raspberry-pi-5");
  REQUIRE(pi != nullptr);
  CHECK(cpu_peak_flops(*pi, "fp32").value() == Approx(4 * 2.4e9 * 16));
  CHECK(cpu_peak_flops(*pi, "int8").value() == Approx(4 * 2.4e9 * 64));
}

TEST_CASE("CPU peaks: AVX-512 is full width on Zen 5 even when the probe names no architecture", "[estimate][cpu]")
{
  using llmhw::estimate::detail::cpu_peak_flops;
  llmhw::catalog::HardwareSpec vm;
  vm.kind = llmhw::catalog::DeviceKind::cpu;
  vm.vendor = "AMD";
  vm.cpu = llmhw::catalog::CpuSpec{};
  vm.cpu->cores = 2;
  vm.cpu->base_clock_ghz = 2.1;
  // Only the VM's nominal 2.1 GHz is known: its turbo is taken as 1.5 times that.
  const double clock = 2.1e9 * 1.5;
  // Zen 4's flags: AVX-512 without AVX-VNNI: two 256-bit halves.
  vm.cpu->isa = {"avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16"};
  CHECK(cpu_peak_flops(vm, "fp32").value() == Approx(2 * clock * 32));
  // Zen 5 added AVX-VNNI: full 512-bit datapaths.
  vm.cpu->isa.push_back("avx_vnni");
  CHECK(cpu_peak_flops(vm, "fp32").value() == Approx(2 * clock * 64));
  vm.cpu->isa.pop_back();
  vm.architecture = "zen5";
  CHECK(cpu_peak_flops(vm, "fp32").value() == Approx(2 * clock * 64));
}

TEST_CASE("Memory: Apple lets Metal wire 3/4 of a large unified memory; CPUs leave the OS its share",
          "[estimate][memory]")
{
  const auto model = catalog_model("llama-3.1-8b");
  const auto apple = run(candidate("apple-m2-ultra-76c", "llama.cpp", "q4_k_m", 1, "fp16"), model,
                         workload_of(512, 128, 1), builtin_catalog());
  // 192 GiB x 0.75 (recommendedMaxWorkingSetSize above 36 GB).
  CHECK(d(apple.memory.usable_bytes) == Approx(206'158'430'208.0 * 0.75));
  CHECK(mentions(apple.assumptions, "Metal"));
  const auto cpu =
      run(candidate("epyc-9654", "llama.cpp", "q4_k_m", 1, "fp16"), model, workload_of(512, 128, 1), builtin_catalog());
  // 768 GiB less 10% for the OS.
  CHECK(d(cpu.memory.usable_bytes) == Approx(824'633'720'832.0 * 0.9));
  CHECK(cpu.performance.bound == "memory-bandwidth");
  // DRAM roofline: 460.8 GB/s over the ~4.6 GB a Q4_K_M 8B token reads.
  CHECK(cpu.performance.decode_tok_s_per_user < 460.8e9 / 4.6e9);
}

TEST_CASE("MoE: a batch touches more experts than one token, never more than all", "[estimate][speed]")
{
  // Qwen3-30B-A3B: 128 experts, 8 per token. One token reads 8/128 of the routed experts; 64 sequences read
  // 1 - (1 - 1/16)^64 = 98.4% of them.
  const auto model = catalog_model("qwen3-30b-a3b");
  const auto* quant = builtin_catalog().find_quant("bf16");
  REQUIRE(quant != nullptr);
  const auto one = run(candidate("h100-sxm", "vllm", "bf16"), model, workload_of(128, 128, 1), builtin_catalog());
  const auto many = run(candidate("h100-sxm", "vllm", "bf16"), model, workload_of(128, 128, 64), builtin_catalog());
  const double per_token = d(llmhw::model::weight_bytes_read_per_token(model, *quant));
  const double all = d(llmhw::model::weight_bytes(model, *quant));
  // Batch 1 reads ~3.3 B active parameters; batch 64 nearly all 30.5 B, so its step takes much longer (both pay
  // the fixed routing time of the 48 MoE layers, so less than the 9x of the bytes).
  CHECK(per_token < 0.15 * all);
  CHECK(many.performance.tpot_ms > 4 * one.performance.tpot_ms);
  CHECK(many.performance.tpot_ms < 1.1 * all / 3.35e12 * 1e3 / 0.5);
}

TEST_CASE("MoE: routing and per-expert cost come on top of the bytes, most for many small experts",
          "[estimate][speed]")
{
  // One user, 128 prompt tokens: DeepSeek-R1 (256 experts of 2048 columns, 58 MoE layers) over 8x H200 pays
  // 58 x (75 µs + 8 experts x 0.4 µs) = 4.5 ms a token beyond its weights' 4.6 GB per GPU; a dense 70B pays none.
  const auto deepseek = catalog_model("deepseek-r1");
  const auto r1 = run(candidate("h200-sxm", "sglang", "fp8", 8), deepseek, workload_of(128, 128, 1), builtin_catalog());
  const auto* fp8 = builtin_catalog().find_quant("fp8");
  REQUIRE(fp8 != nullptr);
  const double bytes_per_gpu = d(llmhw::model::weight_bytes_read_per_token(deepseek, *fp8)) / 8;
  const double roofline_ms = bytes_per_gpu / 4.8e12 * 1e3;
  CHECK(r1.performance.tpot_ms > roofline_ms + 4.5);
  // Decode attention counts MLA's absorbed form: more FLOPs per cached token than the decompressed heads.
  CHECK(llmhw::estimate::detail::attention_width(deepseek.arch, true) >
        3 * llmhw::estimate::detail::attention_width(deepseek.arch, false));
  CHECK(llmhw::estimate::detail::experts_touched_per_layer(deepseek.arch, 1) == Approx(8.0));
  CHECK(llmhw::estimate::detail::experts_touched_per_layer(deepseek.arch, 1e6) == Approx(256.0));
  const auto dense = catalog_model("llama-3.1-70b");
  CHECK(llmhw::estimate::detail::experts_touched_per_layer(dense.arch, 64) == 0);
}

TEST_CASE("MoE: expert parallelism, where an engine's default uses it, splits the experts and adds all-to-alls",
          "[estimate][speed]")
{
  // engines.json: vLLM and SGLang shard experts by tensor parallelism unless told otherwise.
  const auto* vllm = builtin_catalog().find_engine("vllm");
  REQUIRE(vllm != nullptr);
  REQUIRE(vllm->expert_parallel);
  CHECK_FALSE(vllm->expert_parallel->by_default);
  CHECK(vllm->expert_parallel->flag == "--enable-expert-parallel");

  // A catalog whose SGLang runs expert-parallel by default: DeepSeek-R1 over 8x H200 at 64 users runs 1/8 of the
  // ~222 touched experts' GEMMs per device, for two all-to-alls per MoE layer.
  llmhw::catalog::Catalog ep_catalog = builtin_catalog();
  for (auto& engine : ep_catalog.engines) {
    if (engine.id == "sglang") {
      engine.expert_parallel = llmhw::catalog::ExpertParallelRule{true, "--ep-size 8", "test"};
    }
  }
  const auto model = catalog_model("deepseek-r1");
  const auto workload = workload_of(1024, 1024, 64);
  const auto tensor_parallel = run(candidate("h200-sxm", "sglang", "fp8", 8), model, workload, builtin_catalog());
  const auto nvlink = run(candidate("h200-sxm", "sglang", "fp8", 8), model, workload, ep_catalog);
  CHECK(nvlink.performance.tpot_ms < tensor_parallel.performance.tpot_ms);
  auto pcie_candidate = candidate("h200-sxm", "sglang", "fp8", 8);
  pcie_candidate.hardware.interconnect.kind = "none";
  pcie_candidate.hardware.interconnect.bandwidth_bytes_s.reset();
  const auto pcie = run(pcie_candidate, model, workload, ep_catalog);
  CHECK(pcie.performance.tpot_ms > nvlink.performance.tpot_ms);
  // One GPU has nothing to split: the same estimate with or without the rule.
  const auto one_ep = run(candidate("h200-sxm", "sglang", "fp8", 1), catalog_model("qwen3-30b-a3b"), workload,
                          ep_catalog);
  const auto one_tp = run(candidate("h200-sxm", "sglang", "fp8", 1), catalog_model("qwen3-30b-a3b"), workload,
                          builtin_catalog());
  CHECK(one_ep.performance.tpot_ms == Approx(one_tp.performance.tpot_ms));
}

TEST_CASE("Tensor parallel: all-reduces over PCIe cost more than over NVLink", "[estimate][speed]")
{
  const auto model = catalog_model("llama-3.1-70b");
  auto nvlink = candidate("h100-sxm", "vllm", "bf16", 4);
  auto pcie = nvlink;
  pcie.hardware.interconnect.kind = "none";
  pcie.hardware.interconnect.bandwidth_bytes_s.reset();
  const auto over_nvlink = run(nvlink, model, workload_of(2000, 200, 32), builtin_catalog());
  const auto over_pcie = run(pcie, model, workload_of(2000, 200, 32), builtin_catalog());
  CHECK(over_pcie.performance.tpot_ms > over_nvlink.performance.tpot_ms);
  CHECK(over_pcie.performance.ttft_ms > over_nvlink.performance.ttft_ms);
  CHECK(mentions(over_nvlink.assumptions, "nvlink4"));
  CHECK(mentions(over_pcie.assumptions, "pcie"));
}

TEST_CASE("Multi-node: tensor parallel within a host, pipeline parallel across hosts", "[estimate][speed]")
{
  const auto model = catalog_model("llama-3.1-70b");
  const auto* slice = builtin_catalog().find_system("tpu-v5e-16");
  REQUIRE(slice != nullptr);
  REQUIRE(slice->nodes.value_or(1) == 2);
  auto sixteen = candidate("tpu-v5e", "jetstream", "bf16", 16);
  sixteen.system = *slice;
  const auto estimate = run(sixteen, model, workload_of(1000, 200, 16), builtin_catalog());
  CHECK(mentions(estimate.assumptions, "tensor parallel over 8 devices"));
  CHECK(mentions(estimate.assumptions, "pipeline parallel over 2 nodes"));
  CHECK(estimate.memory.fits);
  // Two stages in turn: one token's step is no faster than 8 chips reading all 141 GB at 819 GB/s each.
  CHECK(estimate.performance.tpot_ms > 141e9 / (8 * 819e9) * 1e3);
}

TEST_CASE("KV cache under tensor parallelism: heads replicate past the KV-head count, MLA on every rank",
          "[estimate][memory]")
{
  // Llama 3.1 70B has 8 KV heads: TP 8 splits them one per device, TP 16 holds each on two devices.
  const auto llama = catalog_model("llama-3.1-70b");
  const auto workload = workload_of(1000, 1000, 4);
  const auto eight = run(candidate("h100-sxm", "vllm", "bf16", 8), llama, workload, builtin_catalog());
  const auto sixteen = run(candidate("h100-sxm", "vllm", "bf16", 16), llama, workload, builtin_catalog());
  // 80 layers x 2 x 8 heads x 128 x 2 bytes = 320 KiB per token; 2000 tokens x 4 sequences.
  CHECK(eight.memory.kv_cache_bytes == 327'680ULL * 2000 * 4);
  CHECK(sixteen.memory.kv_cache_bytes == 2 * eight.memory.kv_cache_bytes);
  // DeepSeek-V3's MLA latent (512 + 64 per token and layer) is one per token, replicated on all 8 ranks.
  const auto deepseek = catalog_model("deepseek-v3");
  const auto mla = run(candidate("h200-sxm", "vllm", "fp8", 8, "bf16"), deepseek, workload, builtin_catalog());
  CHECK(mla.memory.kv_cache_bytes == 8ULL * 61 * 576 * 2 * 2000 * 4);
}

TEST_CASE("Accuracy tool: a measurement file without the llm-hw columns is an error naming it", "[estimate][accuracy]")
{
  const std::string path = LLM_HW_TEST_BINARY_DIR "/measurements-without-columns.csv";
  {
    std::ofstream file(path);
    file << "source_url_or_repo_path,metric,value\nexample.org,decode_tok_s_per_user,10\n";
  }
  const auto rows = llmhw::accuracy::read_measurements(path);
  REQUIRE_FALSE(rows.ok());
  CHECK(rows.error().input == path);
  CHECK(rows.error().problem.find("missing column") != std::string::npos);
  CHECK_FALSE(llmhw::accuracy::read_measurements(path + ".absent").ok());
}
