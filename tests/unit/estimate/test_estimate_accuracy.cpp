// The estimator against the published measurements in bench/data/measurements.csv
// (llama-bench tables, TensorRT-LLM's perf overview, JetStream's summary, SGLang's
// vLLM/SGLang comparison, Oracle's and AMD's vLLM runs on MI300X, llama.cpp
// pull requests measured on Graviton3; each row cites its source). The bounds are the project's accuracy targets
// (issue 5: decode within 15% and prefill within 25% median error) and worst
// cases docs/accuracy.md explains row by row.

#include "accuracy.hpp"
#include "support/builtin_catalog.hpp"

#include <algorithm>
#include <cmath>

using llmhw::test::builtin_catalog;

namespace {

const llmhw::accuracy::Evaluation& evaluation()
{
  static const llmhw::accuracy::Evaluation result = [] {
    auto rows = llmhw::accuracy::read_measurements(LLM_HW_SOURCE_DIR "/bench/data/measurements.csv");
    REQUIRE(rows.ok());
    REQUIRE(rows->size() == 221);
    static const auto catalog = llmhw::accuracy::load_catalog(LLM_HW_SOURCE_DIR);
    REQUIRE(catalog.ok());
    return llmhw::accuracy::evaluate(*rows, *catalog, llmhw::estimate::builtin_calibration());
  }();
  return result;
}

std::vector<llmhw::accuracy::Prediction> only(const std::string& split)
{
  std::vector<llmhw::accuracy::Prediction> kept;
  for (const auto& p : evaluation().predictions) {
    if (p.measurement.split == split) {
      kept.push_back(p);
    }
  }
  return kept;
}

} // namespace

TEST_CASE("Accuracy: every speed row is estimated", "[estimate][accuracy]")
{
  // 47 decode, 44 prefill, 51 throughput, 19 TTFT, 9 TPOT and 10 weight-size rows name catalog entries (or
  // bench/data/hosts.json machines).
  const auto& predictions = evaluation().predictions;
  const auto count = [&](const std::string& metric) {
    return std::count_if(predictions.begin(), predictions.end(),
                         [&](const auto& p) { return p.measurement.metric == metric; });
  };
  CHECK(count("decode_tok_s_per_user") == 47);
  CHECK(count("prefill_tok_s") == 44);
  CHECK(count("output_throughput_tok_s") == 61);
  CHECK(count("ttft_ms") == 29);
  CHECK(count("tpot_ms") == 19);
  CHECK(count("weights_gib") == 10);
  for (const auto& p : predictions) {
    INFO(p.measurement.metric << " " << p.measurement.model << " on " << p.measurement.target);
    CHECK(p.predicted > 0);
  }
}

TEST_CASE("Accuracy: decode within 15% median error, fit and held-out rows alike", "[estimate][accuracy]")
{
  using llmhw::accuracy::median_abs_error;
  CHECK(median_abs_error(evaluation().predictions, "decode_tok_s_per_user") <= 0.15);
  CHECK(median_abs_error(only("holdout"), "decode_tok_s_per_user") <= 0.15);
  // Worst row: Llama 3 70B Q4_K_M on an M1 Max (held out), which decodes at 4.1 tok/s, 52% of its
  // 400 GB/s; the M1 Max GPU is known not to reach its SoC bandwidth (docs/accuracy.md).
  CHECK(llmhw::accuracy::worst_abs_error(evaluation().predictions, "decode_tok_s_per_user") <= 0.55);
}

TEST_CASE("Accuracy: prefill within 25% median error", "[estimate][accuracy]")
{
  using llmhw::accuracy::median_abs_error;
  CHECK(median_abs_error(evaluation().predictions, "prefill_tok_s") <= 0.25);
  CHECK(median_abs_error(only("holdout"), "prefill_tok_s") <= 0.25);
  // Worst row: Llama 3 70B Q4_K_M split over two RTX 3090s, measured at 394 tok/s, below one RTX A6000
  // (the same GA102 chip) at 467: the pipelining that speeds up the F16 splits of the same table is
  // absent there. docs/accuracy.md lists it.
  CHECK(llmhw::accuracy::worst_abs_error(evaluation().predictions, "prefill_tok_s") <= 1.3);
}

TEST_CASE("Accuracy: offline throughput within 15% median error", "[estimate][accuracy]")
{
  CHECK(llmhw::accuracy::median_abs_error(evaluation().predictions, "output_throughput_tok_s") <= 0.15);
}

TEST_CASE("Accuracy: vLLM, SGLang, MI300X and server-CPU rows within the bounds docs/accuracy.md explains",
          "[estimate][accuracy]")
{
  const auto groups = llmhw::accuracy::group_errors(evaluation().predictions);
  const auto group = [&](const std::string& metric, const std::string& engine, const std::string& device_class,
                         const std::string& split) {
    const auto found = std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
      return g.metric == metric && g.engine == engine && g.device_class == device_class && g.split == split;
    });
    REQUIRE(found != groups.end());
    return *found;
  };
  // llama.cpp on Graviton3 (pull requests 12064 and 11917) and the 2-vCPU Zen 5 VM of issue 13: decode within
  // 15% median; the held-out Graviton3 row within 15%.
  CHECK(group("decode_tok_s_per_user", "llama.cpp", "cpu", "all").median_abs <= 0.15);
  CHECK(group("decode_tok_s_per_user", "llama.cpp", "cpu", "holdout").worst_abs <= 0.15);
  // CPU prefill (the Zen 5 VM's pp512 in F16 and Q4_K_M, 1B to 8B): within 25% median, the held-out
  // Qwen2.5-1.5B Q4_K_M row too; before the per-type kernels the median was -41% (issue 13).
  CHECK(group("prefill_tok_s", "llama.cpp", "cpu", "all").median_abs <= 0.25);
  CHECK(group("prefill_tok_s", "llama.cpp", "cpu", "holdout").worst_abs <= 0.25);
  // vLLM on 8x MI300X, Oracle's Llama 3.1 405B FP8 runs at batch 1 to 256.
  CHECK(group("output_throughput_tok_s", "vllm", "amd-gpu", "all").median_abs <= 0.15);
  // Held out: AMD's Llama 3.1 70B FP8 runs with vLLM 0.9.1 (2025) have less per-step overhead than
  // Oracle's vLLM of 2024 the factor is fitted on; the estimate is pessimistic, never optimistic.
  const auto amd_decode = group("decode_tok_s_per_user", "vllm", "amd-gpu", "holdout");
  CHECK(amd_decode.worst_abs <= 0.35);
  CHECK(amd_decode.mean_signed < 0);
  // SGLang and vLLM offline on ShareGPT: the A100 row is fitted, 70B over four H100s is held out and
  // optimistic by about 35% (tensor-parallel large-batch efficiency the model does not capture).
  // vLLM's held-out rows also hold its CI's batch-8 runs on H200, 41-53% optimistic: the per-step
  // overhead of small batches is not in its factors, fitted on one offline run.
  // SGLang's fit rows also hold DeepSeek-R1's at 8 and 32 users, whose three MoE constants are fitted on TTFT,
  // TPOT and throughput together (worst 16%).
  CHECK(group("output_throughput_tok_s", "vllm", "datacenter-gpu", "fit").worst_abs <= 0.05);
  CHECK(group("output_throughput_tok_s", "sglang", "datacenter-gpu", "fit").worst_abs <= 0.20);
  CHECK(group("output_throughput_tok_s", "sglang", "datacenter-gpu", "holdout").worst_abs <= 0.45);
  CHECK(group("output_throughput_tok_s", "vllm", "datacenter-gpu", "holdout").worst_abs <= 0.55);
}

namespace {

/// The rows of one metric, engine and model, optionally of one split and concurrency.
std::vector<llmhw::accuracy::Prediction> rows_of(const std::string& metric, const std::string& engine,
                                                 const std::string& model, const std::string& split = "")
{
  std::vector<llmhw::accuracy::Prediction> kept;
  for (const auto& p : evaluation().predictions) {
    const auto& m = p.measurement;
    if (m.metric == metric && m.engine == engine && m.model == model && (split.empty() || m.split == split)) {
      kept.push_back(p);
    }
  }
  return kept;
}

} // namespace

TEST_CASE("Accuracy: tensor-parallel prefill of long prompts, held out", "[estimate][accuracy]")
{
  // TensorRT-LLM v0.5's first-token latency of Llama 2 70B over four H100s (FP8) and four A100s (FP16):
  // 109 and 377 ms for 2048 tokens. Only the one-GPU 7B rows are fitted; TP divides the work and the
  // all-reduces over NVLink are added.
  int long_prompts = 0;
  for (const auto& p : rows_of("ttft_ms", "tensorrt-llm", "llama-2-70b", "holdout")) {
    if (p.measurement.prompt_tokens == 2048) {
      INFO(p.measurement.target << " measured " << p.measured << " ms, estimated " << p.predicted);
      CHECK(p.measurement.devices == 4);
      CHECK(std::abs(p.relative_error()) <= 0.10);
      ++long_prompts;
    }
  }
  CHECK(long_prompts == 2);
}

TEST_CASE("Accuracy: MoE decode and throughput", "[estimate][accuracy]")
{
  // DeepSeek-R1 FP8 on 8x H200 with SGLang, simulated as InferenceX ran it (InferenceX issue #870, v0.5.7,
  // 1k/1k; its pull request #3173, v0.5.12, 1k/1k and 8k/1k): the MoE constants are set on the runs at 8 and 32
  // users; 4, 16 and 64 users are held out. Before the MoE terms every row was 31-44% optimistic (TPOT) and
  // 43-83% (throughput); TTFT was 70-92% optimistic before the eager-prefill term and the start-up wave.
  for (const char* metric : {"tpot_ms", "output_throughput_tok_s", "ttft_ms"}) {
    const auto deepseek = rows_of(metric, "sglang", "deepseek-r1", "holdout");
    std::vector<double> errors;
    for (const auto& p : deepseek) {
      const bool v057 = p.measurement.source.find("issue #870") != std::string::npos;
      if (v057 && std::string(metric) == "ttft_ms") {
        continue; // v0.5.7's mean TTFTs carry a start-up cost the v0.5.12 runs do not (docs/accuracy.md)
      }
      INFO(metric << " at " << p.measurement.concurrency << " users, " << p.measurement.prompt_tokens
                  << " tokens: measured " << p.measured << ", estimated " << p.predicted);
      CHECK(std::abs(p.relative_error()) <= (std::string(metric) == "ttft_ms" ? 0.50 : 0.30));
      errors.push_back(std::abs(p.relative_error()));
    }
    REQUIRE(errors.size() >= 6);
    std::sort(errors.begin(), errors.end());
    INFO(metric << " held-out median " << errors[errors.size() / 2]);
    // TTFT: 28% before a closed loop's prompts waited for the iteration in progress (serving.cpp k_turnaround_s).
    CHECK(errors[errors.size() / 2] <= (std::string(metric) == "ttft_ms" ? 0.20 : 0.15));
  }
  // Held out, other engines and expert shapes: Mixtral 8x7B (vLLM, 2x H200, batch 8) and Qwen3-235B-A22B
  // (TensorRT-LLM offline, 8x H100 and 8x H200).
  for (const auto& p : rows_of("output_throughput_tok_s", "vllm", "mixtral-8x7b")) {
    CHECK(std::abs(p.relative_error()) <= 0.10);
  }
  const auto qwen = rows_of("output_throughput_tok_s", "tensorrt-llm", "qwen3-235b-a22b");
  REQUIRE(qwen.size() == 3);
  for (const auto& p : qwen) {
    INFO(p.measurement.target << ": measured " << p.measured << ", estimated " << p.predicted);
    // 35%: the scheduler simulation's offline throughput of the 8x H100 rows is 28-32% high (whole 5,000-token
    // prompts beside decode steps cost less than the analytic round that gave 4-13%); see docs/accuracy.md,
    // "Where it is wrong".
    CHECK(std::abs(p.relative_error()) <= 0.35);
  }
}

TEST_CASE("Accuracy: one user's TTFT and TPOT on two H100s, held out", "[estimate][accuracy]")
{
  // NVIDIA NIM 1.8.0, Llama 3.3 70B FP8 over two H100s, concurrency 1: 5000/500 and 500/2000 tokens.
  // Under load (5-50 users) see the next test.
  int single = 0;
  for (const char* metric : {"ttft_ms", "tpot_ms"}) {
    for (const auto& p : rows_of(metric, "tensorrt-llm", "llama-3.3-70b", "holdout")) {
      if (p.measurement.concurrency == 1) {
        INFO(metric << " " << p.measurement.prompt_tokens << " tokens: measured " << p.measured << ", estimated "
                    << p.predicted);
        CHECK(std::abs(p.relative_error()) <= 0.20);
        ++single;
      }
    }
  }
  CHECK(single == 4);
}

TEST_CASE("Accuracy: TTFT and TPOT of 5 to 50 users on two H100s, held out", "[estimate][accuracy]")
{
  // The same NIM table at concurrency 5, 25 and 50 (5000/500 tokens): the measured TTFT doubles from one user to
  // 50 (407 -> 835 ms). Each estimate is optimistic by at most 32% (TTFT) and off by at most 16% (TPOT); the
  // TTFTs at 25 and 50 users were 30% and 40% optimistic while the simulation let a prompt into the iteration
  // that began as its user's last response ended.
  int loaded = 0;
  for (const char* metric : {"ttft_ms", "tpot_ms"}) {
    for (const auto& p : rows_of(metric, "tensorrt-llm", "llama-3.3-70b", "holdout")) {
      if (p.measurement.concurrency > 1) {
        INFO(metric << " at " << p.measurement.concurrency << " users: measured " << p.measured << ", estimated "
                    << p.predicted);
        CHECK(std::abs(p.relative_error()) <= (std::string(metric) == "ttft_ms" ? 0.35 : 0.20));
        ++loaded;
      }
    }
  }
  CHECK(loaded == 6);
}

TEST_CASE("Accuracy: GGUF weight sizes within 1% of the files", "[estimate][accuracy]")
{
  CHECK(llmhw::accuracy::median_abs_error(evaluation().predictions, "weights_gib") <= 0.01);
  CHECK(llmhw::accuracy::worst_abs_error(evaluation().predictions, "weights_gib") <= 0.02);
}

TEST_CASE("Accuracy: fits or OOM as the benchmark reported, for every row", "[estimate][accuracy]")
{
  INFO((evaluation().disagreements.empty() ? std::string() : evaluation().disagreements.front()));
  CHECK(evaluation().fits_total == 11);
  CHECK(evaluation().fits_agree == evaluation().fits_total);
}

TEST_CASE("Calibration: built-in factors parse and never exceed the roofline", "[estimate][accuracy]")
{
  const auto& calibration = llmhw::estimate::builtin_calibration();
  REQUIRE(calibration.factors.size() >= 4);
  for (const auto& f : calibration.factors) {
    INFO(f.engine << " " << f.device_class << " " << f.quant);
    CHECK(f.decode_bandwidth > 0);
    CHECK(f.decode_bandwidth <= 1);
    CHECK(f.prefill_compute > 0);
    CHECK(f.prefill_compute <= 1);
    CHECK_FALSE(f.source.empty());
  }
}

TEST_CASE("Calibration: a share above 1 is rejected with the field named", "[estimate][accuracy]")
{
  const auto document = nlohmann::json::parse(R"({"factors": [{"engine": "vllm", "device_class": "*",
      "decode_bandwidth": 1.2, "prefill_compute": 0.5, "source": "x"}]})");
  const auto parsed = llmhw::estimate::parse_calibration(document, "mine.json");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().message().find("mine.json") != std::string::npos);
  CHECK(parsed.error().message().find("decode_bandwidth") != std::string::npos);
}
