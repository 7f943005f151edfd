// Plans across hosts: a catalog system of several instances, several --hardware files of like hosts and a
// Kubernetes node list give multi-host plans with tensor parallelism within each host and pipeline parallelism
// across them, priced on the network between the hosts, with one command block per node in the engine's own
// distributed mode; --format k8s writes the manifests. The probe reports the NICs that network is made of.
#include "support/run_binary.hpp"
#include "support/schema_check.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

using llmhw::test::run_llm_hw;

namespace {

const std::string k_fixtures = LLM_HW_TEST_FIXTURES;

nlohmann::json advice_json(std::vector<std::string> arguments)
{
  arguments.emplace_back("--json");
  const auto result = run_llm_hw(arguments);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto check = llmhw::test::check_against_schema(result.out, "advice");
  INFO(check.problems);
  CHECK(check.valid);
  return nlohmann::json::parse(result.out);
}

bool contains(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

/// The assumption of a candidate that starts with `prefix`, or "".
std::string assumption(const nlohmann::json& candidate, const std::string& prefix)
{
  for (const auto& text : candidate["assumptions"]) {
    if (text.get<std::string>().rfind(prefix, 0) == 0) {
      return text.get<std::string>();
    }
  }
  return "";
}

/// `llm-hw probe --json` of the hgx-h100 fixture machine, renamed, with the eight 400 Gb/s NDR InfiniBand NICs a
/// DGX H100 has, as that host's probe would print them.
std::string hgx_probe(const std::string& hostname)
{
  const auto probed = run_llm_hw({"probe", "--json"},
                                 {{"LLM_HW_ROOT", k_fixtures + "/machines/hgx-h100"}, {"LLM_HW_NO_NVML", "1"}});
  REQUIRE(probed.exit_code == 0);
  nlohmann::json document = nlohmann::json::parse(probed.out);
  document["host"]["hostname"] = hostname;
  document["host"]["network"] = nlohmann::json::array();
  for (int i = 0; i < 8; ++i) {
    document["host"]["network"].push_back({{"name", "mlx5_" + std::to_string(i)}, {"kind", "infiniband"},
                                           {"rate_gbps", 400}});
  }
  return document.dump();
}

/// A 16-GPU plan on two hosts with its engine's multi-node commands: one block per node for vLLM and SGLang, one
/// mpirun that starts both hosts' ranks for TensorRT-LLM.
void check_two_node_plan(const nlohmann::json& best)
{
  REQUIRE(best["hosts"] == 2);
  REQUIRE(best["count"] == 16);
  if (best["framework"] == "tensorrt-llm") {
    REQUIRE(best["commands"].size() == 1);
    const std::string command = best["command"];
    CHECK(command.rfind("mpirun -H $HEAD_NODE_IP:8,$NODE1_IP:8 -np 16 trtllm-llmapi-launch trtllm-serve ", 0) == 0);
    CHECK(contains(command, "--tp_size 8 --pp_size 2"));
    return;
  }
  REQUIRE(best["commands"].size() == 2);
  CHECK(best["commands"][0]["node"] == 0);
  CHECK(best["commands"][1]["node"] == 1);
  CHECK(best["commands"][0]["command"] == best["command"]);
  const std::string head = best["commands"][0]["command"];
  const std::string worker = best["commands"][1]["command"];
  if (best["framework"] == "vllm") {
    CHECK(head.rfind("ray start --head --port=6379 && vllm serve ", 0) == 0);
    CHECK(contains(head, "--tensor-parallel-size 8 --pipeline-parallel-size 2"));
    CHECK(contains(head, "--distributed-executor-backend ray"));
    CHECK(worker == "ray start --address=$HEAD_NODE_IP:6379 --block");
  } else {
    REQUIRE(best["framework"] == "sglang");
    CHECK(contains(head, "--tp 8 --pp-size 2"));
    CHECK(contains(head, "--nnodes 2 --node-rank 0 --dist-init-addr $HEAD_NODE_IP:5000"));
    CHECK(contains(worker, "--nnodes 2 --node-rank 1 --dist-init-addr $HEAD_NODE_IP:5000"));
  }
}

} // namespace

TEST_CASE("Llama 3.1 405B in bf16 on two p5.48xlarge is a two-node plan priced on EFA", "[cli][multinode]")
{
  const auto document =
      advice_json({"advise", "--target", "2xaws-p5.48xlarge", "--model", "llama-3.1-405b", "--quant", "bf16"});
  REQUIRE(document["recommendation"].is_object());
  CHECK(document["recommendation"]["hosts"] == 2);
  const auto& best = document["candidates"][0];
  check_two_node_plan(best);
  CHECK(assumption(best, "activations cross the hosts over efa at 3200 Gb/s per host") != "");
  // vLLM and SGLang, pinned, each write a block per node.
  for (const char* engine : {"vllm", "sglang"}) {
    const auto pinned = advice_json({"advise", "--target", "2xaws-p5.48xlarge", "--model", "llama-3.1-405b",
                                     "--quant", "bf16", "--framework", engine});
    REQUIRE(pinned["candidates"][0]["framework"] == engine);
    check_two_node_plan(pinned["candidates"][0]);
  }
  // Engines without a multi-node mode are not offered across the two instances.
  for (const auto& candidate : document["candidates"]) {
    CHECK(candidate["hosts"] == 2);
    CHECK(candidate["framework"] != "tgi");
    CHECK(candidate["framework"] != "llama.cpp");
    CHECK(candidate["framework"] != "ollama");
  }
}

TEST_CASE("TensorRT-LLM across two hosts is one mpirun; InfiniBand's lower latency beats EFA's", "[cli][multinode]")
{
  // The same 16 H100s as two p5.48xlarge (3.2 Tb/s EFA) and two DGX H100 (3.2 Tb/s InfiniBand), the engine pinned.
  const auto efa = advice_json({"advise", "--target", "2xaws-p5.48xlarge", "--model", "llama-3.1-405b", "--quant",
                                "bf16", "--framework", "tensorrt-llm"});
  const auto& best = efa["candidates"][0];
  REQUIRE(best["framework"] == "tensorrt-llm");
  REQUIRE(best["commands"].size() == 1); // mpirun on node 0 starts every rank
  const std::string command = best["command"];
  CHECK(command.rfind("mpirun -H $HEAD_NODE_IP:8,$NODE1_IP:8 -np 16 trtllm-llmapi-launch trtllm-serve ", 0) == 0);
  CHECK(contains(command, "--tp_size 8 --pp_size 2"));
  const auto ib = advice_json({"advise", "--target", "2xdgx-h100", "--model", "llama-3.1-405b", "--quant", "bf16",
                               "--framework", "tensorrt-llm"});
  CHECK(assumption(ib["candidates"][0], "activations cross the hosts over infiniband at 3200 Gb/s") != "");
  // Same bandwidth, lower latency: InfiniBand's first token comes no later than EFA's.
  CHECK(ib["candidates"][0]["performance"]["ttft_ms"].get<double>() <=
        best["performance"]["ttft_ms"].get<double>());
}

TEST_CASE("two 8x H100 probe files give Llama 3.1 405B a 16-GPU two-node plan on their InfiniBand",
          "[cli][multinode][fleet]")
{
  const llmhw::test::TempDir dir;
  const auto document = advice_json({"advise", "--model", "llama-3.1-405b", "--quant", "bf16", "--hardware",
                                     dir.write("a.json", hgx_probe("hgx-a")), "--hardware",
                                     dir.write("b.json", hgx_probe("hgx-b"))});
  REQUIRE(document["recommendation"].is_object());
  CHECK(document["recommendation"]["count"] == 16);
  CHECK(document["recommendation"]["hosts"] == 2);
  const auto& best = document["candidates"][0];
  CHECK(best["host"] == "hgx-a+hgx-b");
  check_two_node_plan(best);
  CHECK(assumption(best, "activations cross the hosts over infiniband at 3200 Gb/s per host") != "");
}

TEST_CASE("probe files without NICs: the network between them is assumed and said so", "[cli][multinode][fleet]")
{
  const llmhw::test::TempDir dir;
  const auto strip = [](std::string text) {
    nlohmann::json document = nlohmann::json::parse(text);
    document["host"].erase("network");
    return document.dump();
  };
  const auto document = advice_json({"advise", "--model", "llama-3.1-405b", "--quant", "bf16", "--hardware",
                                     dir.write("a.json", strip(hgx_probe("hgx-a"))), "--hardware",
                                     dir.write("b.json", strip(hgx_probe("hgx-b")))});
  const auto& best = document["candidates"][0];
  REQUIRE(best["hosts"] == 2);
  CHECK(contains(assumption(best, "activations cross the hosts over ethernet at 100 Gb/s"), "assumed"));
}

TEST_CASE("a kubectl node list with GPU Feature Discovery and GKE TPU labels is ranked, one host per node",
          "[cli][multinode][kubernetes]")
{
  const std::string nodes = k_fixtures + "/kubernetes/nodes-gfd-gke.json";
  const auto small = advice_json({"advise", "--model", "llama-3.1-8b", "--hardware", nodes});
  std::set<std::string> hosts;
  std::set<std::string> kinds;
  for (const auto& candidate : small["candidates"]) {
    hosts.insert(candidate["host"].get<std::string>());
    kinds.insert(candidate["kind"].get<std::string>());
  }
  CHECK(hosts.count("ip-10-0-12-34.ec2.internal") == 1);
  CHECK(hosts.count("gke-tpu-v5e-pool-3c1f0d2a-x7q2") == 1);
  CHECK(hosts.count("ip-10-0-7-18.ec2.internal") == 0); // no accelerator: not a host to plan on
  CHECK(kinds == std::set<std::string>{"gpu", "tpu"});
  // The two GFD nodes are like hosts: 405B in bf16 runs on both.
  const auto large = advice_json({"advise", "--model", "llama-3.1-405b", "--quant", "bf16", "--hardware", nodes});
  REQUIRE(large["recommendation"].is_object());
  const auto& best = large["candidates"][0];
  CHECK(best["host"] == "ip-10-0-12-34.ec2.internal+ip-10-0-12-97.ec2.internal");
  check_two_node_plan(best);
}

TEST_CASE("a kubectl node list with AMD's node labeller labels names the MI300X", "[cli][multinode][kubernetes]")
{
  const auto document =
      advice_json({"advise", "--model", "llama-3.1-70b", "--hardware", k_fixtures + "/kubernetes/nodes-amd.json"});
  const auto& best = document["candidates"][0];
  CHECK(best["host"] == "mi300x-node-0");
  CHECK(contains(best["name"].get<std::string>(), "MI300X"));
}

TEST_CASE("a bad node list is refused in one line naming the file and the field", "[cli][multinode][kubernetes]")
{
  const llmhw::test::TempDir dir;
  nlohmann::json list = nlohmann::json::parse(std::ifstream(k_fixtures + "/kubernetes/nodes-gfd-gke.json"));
  list["items"][0]["metadata"]["labels"]["nvidia.com/gpu.memory"] = "lots";
  const std::string bad = dir.write("bad.json", list.dump());
  const auto result = run_llm_hw({"advise", "--model", "llama-3.1-8b", "--hardware", bad});
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(llmhw::test::lines(result.err).size() == 1);
  CHECK(contains(result.err, "bad.json"));
  CHECK(contains(result.err, "nvidia.com/gpu.memory"));
  list["items"] = nlohmann::json::array();
  const auto empty = run_llm_hw({"advise", "--model", "llama-3.1-8b", "--hardware", dir.write("e.json", list.dump())});
  CHECK(empty.exit_code == 2);
  CHECK(contains(empty.err, "no node carries GPU or TPU labels"));
}

TEST_CASE("advise --format k8s: a LeaderWorkerSet across hosts, a Deployment on one, exit 2 without one",
          "[cli][multinode][k8s]")
{
  const auto lws = run_llm_hw({"advise", "--target", "2xaws-p5.48xlarge", "--model", "llama-3.1-405b", "--quant",
                               "bf16", "--framework", "vllm", "--format", "k8s"});
  INFO(lws.err);
  REQUIRE(lws.exit_code == 0);
  CHECK(contains(lws.out, "kind: LeaderWorkerSet"));
  CHECK(contains(lws.out, "    size: 2\n"));
  CHECK(contains(lws.out, "nvidia.com/gpu: \"8\""));
  CHECK(contains(lws.out, "multi-node-serving.sh leader --ray_cluster_size=$(LWS_GROUP_SIZE); vllm serve "));
  CHECK(contains(lws.out, "multi-node-serving.sh worker --ray_address=$(LWS_LEADER_ADDRESS)"));
  CHECK(contains(lws.out, "--tensor-parallel-size 8 --pipeline-parallel-size 2"));
  CHECK(!contains(lws.out, "$HEAD_NODE_IP"));
  CHECK(contains(lws.out, "kind: Service"));

  const auto one = run_llm_hw({"advise", "--target", "h100-sxm", "--model", "llama-3.1-8b", "--framework", "vllm",
                               "--format", "k8s"});
  REQUIRE(one.exit_code == 0);
  CHECK(contains(one.out, "kind: Deployment"));
  CHECK(contains(one.out, "\"vllm serve meta-llama/Llama-3.1-8B-Instruct"));
  CHECK(!contains(one.out, "LeaderWorkerSet"));

  const auto mpi = run_llm_hw({"advise", "--target", "2xaws-p5.48xlarge", "--model", "llama-3.1-405b", "--quant",
                               "bf16", "--framework", "tensorrt-llm", "--format", "k8s"});
  CHECK(mpi.exit_code == 2);
  CHECK(mpi.out.empty());
  CHECK(llmhw::test::lines(mpi.err).size() == 1);
  CHECK(contains(mpi.err, "LeaderWorkerSet"));

  const auto probe = run_llm_hw({"probe", "--format", "k8s"});
  CHECK(probe.exit_code == 2);
  CHECK(contains(probe.err, "only advise"));
}

TEST_CASE("probe reports InfiniBand, RoCE, EFA and Ethernet NICs from sysfs as host.network", "[cli][multinode][probe]")
{
  const llmhw::test::TempDir dir;
  const std::filesystem::path root = dir.path() / "machine";
  std::filesystem::copy(k_fixtures + "/machines/hgx-h100", root,
                        std::filesystem::copy_options::recursive | std::filesystem::copy_options::copy_symlinks);
  const auto write = [&](const std::string& path, const std::string& text) {
    std::filesystem::create_directories((root / path).parent_path());
    std::ofstream(root / path) << text;
  };
  write("sys/class/infiniband/mlx5_0/ports/1/rate", "400 Gb/sec (4X NDR)\n");
  write("sys/class/infiniband/mlx5_0/ports/1/link_layer", "InfiniBand\n");
  write("sys/class/infiniband/mlx5_1/ports/1/rate", "200 Gb/sec (4X HDR)\n");
  write("sys/class/infiniband/mlx5_1/ports/1/link_layer", "Ethernet\n");
  write("sys/class/infiniband/rdmap16s27/ports/1/rate", "100 Gb/sec (4X EDR)\n");
  write("sys/bus/pci/drivers/efa/.keep", "");
  std::filesystem::create_directories(root / "sys/class/infiniband/rdmap16s27/device");
  std::filesystem::create_directory_symlink("../../../../bus/pci/drivers/efa",
                                            root / "sys/class/infiniband/rdmap16s27/device/driver");
  write("sys/class/net/enp1s0/device/vendor", "0x8086\n");
  write("sys/class/net/enp1s0/speed", "25000\n");
  write("sys/class/net/enp1s0/type", "1\n");
  write("sys/class/net/ib0/device/vendor", "0x15b3\n");
  write("sys/class/net/ib0/speed", "400000\n");
  write("sys/class/net/ib0/type", "32\n");  // IPoIB: the RDMA device already counted
  write("sys/class/net/enp2s0/device/vendor", "0x8086\n");
  write("sys/class/net/enp2s0/speed", "-1\n"); // link down
  write("sys/class/net/lo/speed", "0\n");      // no device link: virtual
  const auto probed = run_llm_hw({"probe", "--json"}, {{"LLM_HW_ROOT", root.string()}, {"LLM_HW_NO_NVML", "1"}});
  INFO(probed.err);
  REQUIRE(probed.exit_code == 0);
  const auto check = llmhw::test::check_against_schema(probed.out, "probe");
  INFO(check.problems);
  CHECK(check.valid);
  const auto network = nlohmann::json::parse(probed.out)["host"]["network"];
  const nlohmann::json expected = nlohmann::json::parse(R"([
    {"name": "mlx5_0", "kind": "infiniband", "rate_gbps": 400.0},
    {"name": "mlx5_1", "kind": "roce", "rate_gbps": 200.0},
    {"name": "rdmap16s27", "kind": "efa", "rate_gbps": 100.0},
    {"name": "enp1s0", "kind": "ethernet", "rate_gbps": 25.0}])");
  CHECK(network == expected);
  const auto text = run_llm_hw({"probe"}, {{"LLM_HW_ROOT", root.string()}, {"LLM_HW_NO_NVML", "1"}, {"COLUMNS", "120"}});
  CHECK(contains(text.out, "\nnetwork 1× infiniband 400 Gb/s, 1× roce 200 Gb/s, 1× efa 100 Gb/s, 1× ethernet 25 Gb/s\n"));
}

TEST_CASE("a catalog system's network is checked: a known kind, a bandwidth and a source", "[cli][multinode][catalog]")
{
  const llmhw::test::TempDir dir;
  const auto catalog_with = [&](const std::string& network) {
    return dir.write("net.json", R"({"systems": [{"id": "two-box", "name": "Two boxes", "kind": "system",
      "device": "h100-sxm", "count": 16, "nodes": 2, "network": )" + network + R"(, "source": "test"}]})");
  };
  const auto good = run_llm_hw({"advise", "--target", "two-box", "--model", "llama-3.1-405b", "--quant", "bf16",
                                "--json", "--catalog",
                                catalog_with(R"({"kind": "roce", "bandwidth_bytes_s": 5e10, "source": "ours"})")});
  INFO(good.err);
  REQUIRE(good.exit_code == 0);
  const auto best = nlohmann::json::parse(good.out)["candidates"][0];
  CHECK(best["hosts"] == 2);
  CHECK(assumption(best, "activations cross the hosts over roce at 400 Gb/s per host") != "");
  for (const std::string bad : {R"({"kind": "pigeon", "bandwidth_bytes_s": 5e10, "source": "ours"})",
                                R"({"kind": "roce", "source": "ours"})", R"({"kind": "roce", "bandwidth_bytes_s": 5e10})"}) {
    const auto result = run_llm_hw({"targets", "--catalog", catalog_with(bad)});
    INFO(bad);
    CHECK(result.exit_code == 2);
    CHECK(llmhw::test::lines(result.err).size() == 1);
    CHECK(contains(result.err, "network"));
  }
}

TEST_CASE("DeepSeek-V3 in fp8 does not fit one 8x H100 node, two nodes hold it", "[cli][multinode]")
{
  // 671B weights in fp8 are 627 GiB of the node's 637 GiB; each GPU of the tensor-parallel group also holds its
  // CUDA context, graphs and communicator buffers. The engines' guides use two such nodes or 8x H200.
  const auto one = advice_json({"advise", "--target", "8xh100-sxm", "--model", "deepseek-v3", "--quant", "fp8"});
  for (const auto& candidate : one["candidates"]) {
    const std::string engine = candidate["framework"];
    if (engine == "vllm" || engine == "sglang" || engine == "tensorrt-llm" || engine == "tgi" || engine == "lmdeploy") {
      INFO(engine);
      CHECK(candidate["fits"] == false);
    }
  }
  CHECK(one["recommendation"].is_null());
  const auto two = advice_json({"advise", "--target", "2xdgx-h100", "--model", "deepseek-v3", "--quant", "fp8"});
  REQUIRE(two["recommendation"].is_object());
  CHECK(two["recommendation"]["hosts"] == 2);
  CHECK(two["candidates"][0]["fits"] == true);
}
