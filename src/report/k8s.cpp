// `advise --format k8s`: the recommendation as Kubernetes manifests.
//
// One host: a Deployment of the engine's container running the recommended command, with the accelerators as the
// device plugin's resource (nvidia.com/gpu, amd.com/gpu, google.com/tpu), and a Service in front of it.
// Across hosts: a LeaderWorkerSet (sigs.k8s.io/lws) of one group of `hosts` pods, as the LWS project's vLLM and
// SGLang examples write it (lws docs/examples/vllm/GPU/lws.yaml, docs/examples/sglang): vLLM's leader starts the Ray
// head with the image's examples/online_serving/multi-node-serving.sh and waits for the group, then serves; workers
// join it at $(LWS_LEADER_ADDRESS). SGLang's pods all run launch_server, --node-rank $(LWS_WORKER_INDEX).
#include "llmhw/report/report.hpp"

#include "llmhw/rules/rules.hpp"

#include <fmt/format.h>

#include <map>

namespace llmhw::report {
namespace {

/// The container image each engine publishes for serving; engines without one get no manifest (llama.cpp and
/// Ollama serve a file or tag pulled onto the host, which a manifest cannot name).
std::optional<std::string> image_of(const std::string& engine, const catalog::HardwareSpec& hardware)
{
  static const std::map<std::string, std::string> images = {
      {"vllm", "vllm/vllm-openai:latest"},
      {"vllm-tpu", "vllm/vllm-tpu:latest"},
      {"sglang", "lmsysorg/sglang:latest"},
      {"lmdeploy", "openmmlab/lmdeploy:latest"},
      {"tgi", "ghcr.io/huggingface/text-generation-inference:latest"},
      {"tensorrt-llm", "nvcr.io/nvidia/tensorrt-llm/release:latest"}};
  if (engine == "vllm" && hardware.vendor == "AMD") {
    return "rocm/vllm:latest";
  }
  const auto it = images.find(engine);
  return it == images.end() ? std::nullopt : std::optional(it->second);
}

/// The device plugin's resource for the accelerators: NVIDIA's, AMD's or GKE's TPU; none for a CPU.
std::optional<std::string> resource_of(const catalog::HardwareSpec& hardware)
{
  if (hardware.kind == catalog::DeviceKind::tpu) {
    return "google.com/tpu";
  }
  if (hardware.kind == catalog::DeviceKind::cpu) {
    return std::nullopt;
  }
  return hardware.vendor == "AMD" ? "amd.com/gpu" : "nvidia.com/gpu";
}

/// The port each engine's server listens on by default.
int port_of(const std::string& engine)
{
  if (engine == "sglang") {
    return 30000;
  }
  if (engine == "lmdeploy") {
    return 23333;
  }
  if (engine == "tgi") {
    return 80;
  }
  return 8000; // vLLM, TensorRT-LLM
}

/// A YAML double-quoted scalar: JSON's string escaping is valid YAML.
std::string quoted(const std::string& text)
{
  return nlohmann::json(text).dump();
}

std::string replace_all(std::string text, const std::string& from, const std::string& to)
{
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

/// The container spec lines (indented by `indent`) for one pod: image, command, accelerators, port, /dev/shm.
std::string container(const std::string& name, const std::string& image, const std::string& command,
                      const std::optional<std::string>& resource, std::uint32_t devices, int port, int indent)
{
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  std::string out;
  out += fmt::format("{}containers:\n", pad);
  out += fmt::format("{}- name: {}\n", pad, name);
  out += fmt::format("{}  image: {}\n", pad, image);
  out += fmt::format("{}  command: [\"sh\", \"-c\", {}]\n", pad, quoted(command));
  out += fmt::format("{}  env:\n", pad);
  out += fmt::format("{}  - name: HF_TOKEN\n", pad);
  out += fmt::format("{}    valueFrom: {{secretKeyRef: {{name: hf-token, key: token, optional: true}}}}\n", pad);
  if (resource) {
    out += fmt::format("{}  resources:\n{}    limits:\n{}      {}: \"{}\"\n", pad, pad, pad, *resource, devices);
  }
  if (port > 0) {
    out += fmt::format("{}  ports:\n{}  - containerPort: {}\n", pad, pad, port);
  }
  // Tensor parallelism's NCCL buffers live in shared memory; a container's default /dev/shm is 64 MiB.
  out += fmt::format("{}  volumeMounts:\n{}  - {{name: dshm, mountPath: /dev/shm}}\n", pad, pad);
  out += fmt::format("{}volumes:\n{}- name: dshm\n{}  emptyDir: {{medium: Memory}}\n", pad, pad, pad);
  return out;
}

std::string service(const std::string& name, const std::string& selector, int port)
{
  return fmt::format("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {}\nspec:\n  selector:\n{}  ports:\n"
                     "  - {{name: http, port: {}, targetPort: {}}}\n",
                     name, selector, port, port);
}

std::string deployment(const std::string& name, const std::string& image, const std::string& command,
                       const std::optional<std::string>& resource, std::uint32_t devices, int port)
{
  std::string out = fmt::format("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {}\nspec:\n  replicas: 1\n"
                                "  selector:\n    matchLabels: {{app: {}}}\n  template:\n    metadata:\n"
                                "      labels: {{app: {}}}\n    spec:\n",
                                name, name, name);
  out += container(name, image, command, resource, devices, port, 6);
  return out + service(name, fmt::format("    app: {}\n", name), port);
}

/// vLLM across hosts: the commands' Ray steps become the image's multi-node-serving.sh, which waits for the group.
std::string vllm_group(const std::vector<std::string>& commands, std::string& worker)
{
  constexpr std::string_view head = "ray start --head --port=6379 && ";
  std::string serve = commands.front();
  if (serve.rfind(head, 0) == 0) {
    serve = serve.substr(head.size());
  }
  worker = "bash /vllm-workspace/examples/online_serving/multi-node-serving.sh worker "
           "--ray_address=$(LWS_LEADER_ADDRESS)";
  return "bash /vllm-workspace/examples/online_serving/multi-node-serving.sh leader "
         "--ray_cluster_size=$(LWS_GROUP_SIZE); " +
         serve;
}

/// SGLang across hosts: every rank's launch_server, its rank from LWS and the leader's address for --dist-init-addr.
std::string sglang_group(const std::vector<std::string>& commands, std::string& worker)
{
  const auto lws = [](const std::string& command) {
    return replace_all(command, "$HEAD_NODE_IP", "$(LWS_LEADER_ADDRESS)") + " --host 0.0.0.0";
  };
  worker = replace_all(lws(commands[1]), "--node-rank 1", "--node-rank $(LWS_WORKER_INDEX)");
  return lws(commands.front());
}

std::string leader_worker_set(const std::string& name, const std::string& image, const std::string& leader,
                              const std::string& worker, const std::optional<std::string>& resource,
                              std::uint32_t per_host, std::uint32_t hosts, int port)
{
  std::string out = fmt::format("apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata:\n"
                                "  name: {}\nspec:\n  replicas: 1\n  leaderWorkerTemplate:\n    size: {}\n"
                                "    restartPolicy: RecreateGroupOnPodRestart\n    leaderTemplate:\n      metadata:\n"
                                "        labels: {{role: leader}}\n      spec:\n",
                                name, hosts);
  out += container(name + "-leader", image, leader, resource, per_host, port, 8);
  out += "    workerTemplate:\n      spec:\n";
  out += container(name + "-worker", image, worker, resource, per_host, 0, 8);
  return out + service(name + "-leader",
                       fmt::format("    leaderworkerset.sigs.k8s.io/name: {}\n    role: leader\n", name), port);
}

} // namespace

Result<std::string> kubernetes(const advice::Advice& advice)
{
  if (!advice.recommendation || advice.candidates.empty()) {
    return Error{"--format k8s", "no recommendation to deploy: nothing runs the model on this hardware"};
  }
  const advice::RankedCandidate& best = advice.candidates.front();
  const estimate::Candidate& candidate = best.assessment.estimate.candidate;
  const std::string& engine = candidate.engine;
  if (best.node_commands.empty()) {
    return Error{"--format k8s", fmt::format("the recommended {} plan has no command to deploy", engine)};
  }
  const auto image = image_of(engine, candidate.hardware);
  if (!image) {
    return Error{"--format k8s", fmt::format("{} publishes no serving container to deploy", engine)};
  }
  const std::string name = "llm-hw-" + replace_all(engine, ".", "-");
  const std::uint32_t hosts = rules::hosts_spanned(candidate);
  const auto resource = resource_of(candidate.hardware);
  const int port = port_of(engine);
  std::string out = fmt::format("# llm-hw: {} with {} on {} ({} devices on {} host{})\n", advice.model.name, engine,
                                candidate.name, candidate.count, hosts, hosts == 1 ? "" : "s");
  if (hosts <= 1) {
    // SGLang listens on 127.0.0.1 unless told otherwise; the Service reaches the pod's address.
    const std::string command = engine == "sglang" ? best.command + " --host 0.0.0.0" : best.command;
    return out + deployment(name, *image, command, resource, candidate.count, port);
  }
  if ((engine != "vllm" && engine != "sglang") || best.node_commands.size() != hosts) {
    return Error{"--format k8s",
                 fmt::format("{} has no LeaderWorkerSet deployment across {} hosts (vLLM and SGLang do)", engine, hosts)};
  }
  std::string worker;
  const std::string leader =
      engine == "vllm" ? vllm_group(best.node_commands, worker) : sglang_group(best.node_commands, worker);
  return out + leader_worker_set(name, *image, leader, worker, resource, candidate.count / hosts, hosts, port);
}

} // namespace llmhw::report
