// One command block per node for plans across hosts, each in the engine's own distributed mode:
//   vLLM (and vLLM TPU) on a Ray cluster: `ray start --head` on node 0, `ray start --address=…` on the others,
//     then `vllm serve … --tensor-parallel-size <per host> --pipeline-parallel-size <hosts>` on node 0 (vLLM docs,
//     "Parallelism and Scaling": TP = GPUs per node, PP = nodes; examples/online_serving/multi-node-serving.sh);
//   SGLang: the same launch_server on every node with --nnodes, its own --node-rank and --dist-init-addr
//     (SGLang docs, "Multi-Node Deployment");
//   TensorRT-LLM: one `mpirun` on node 0 that starts every rank through trtllm-llmapi-launch (TensorRT-LLM docs,
//     "trtllm-serve": multi-node serving with MPI);
//   JetStream: a JAX program runs the same process on every host of a multi-host slice.
// The head's address is left to the shell, as the engines' own guides write it: $HEAD_NODE_IP (and $NODE<i>_IP
// for mpirun's host list).
#include "pools.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/rules/rules.hpp"

#include <fmt/format.h>

namespace llmhw::advice::detail {
namespace {

constexpr int k_ray_port = 6379;       // Ray's default GCS port, as vLLM's multi-node script uses it
constexpr int k_sglang_dist_port = 5000; // the port SGLang's multi-node examples give --dist-init-addr

std::vector<std::string> ray_cluster(const std::string& head_command, std::uint32_t hosts,
                                     const std::string& head_suffix)
{
  std::vector<std::string> commands;
  commands.push_back(fmt::format("ray start --head --port={} && {}{}", k_ray_port, head_command, head_suffix));
  for (std::uint32_t node = 1; node < hosts; ++node) {
    commands.push_back(fmt::format("ray start --address=$HEAD_NODE_IP:{} --block", k_ray_port));
  }
  return commands;
}

std::vector<std::string> sglang_ranks(const std::string& command, std::uint32_t hosts)
{
  std::vector<std::string> commands;
  for (std::uint32_t node = 0; node < hosts; ++node) {
    commands.push_back(fmt::format("{} --nnodes {} --node-rank {} --dist-init-addr $HEAD_NODE_IP:{}", command, hosts,
                                   node, k_sglang_dist_port));
  }
  return commands;
}

std::string mpi_launch(const std::string& command, std::uint32_t hosts, std::uint32_t per_host)
{
  std::string host_list = fmt::format("$HEAD_NODE_IP:{}", per_host);
  for (std::uint32_t node = 1; node < hosts; ++node) {
    host_list += fmt::format(",$NODE{}_IP:{}", node, per_host);
  }
  return fmt::format("mpirun -H {} -np {} trtllm-llmapi-launch {}", host_list, hosts * per_host, command);
}

} // namespace

bool runs_across_hosts(const std::string& engine)
{
  return engine == "vllm" || engine == "vllm-tpu" || engine == "sglang" || engine == "tensorrt-llm" ||
         engine == "jetstream";
}

std::vector<std::string> node_commands(const estimate::Estimate& estimate, const model::ModelSpec& model,
                                       const workload::Workload& workload, const catalog::Catalog& catalog)
{
  const std::string command = engine_command(estimate, model, workload, catalog);
  if (command.empty()) {
    return {};
  }
  const estimate::Candidate& candidate = estimate.candidate;
  const std::uint32_t hosts = rules::hosts_spanned(candidate);
  if (hosts <= 1) {
    return {command};
  }
  const std::string& engine = candidate.engine;
  if (engine == "vllm" || engine == "vllm-tpu") {
    return ray_cluster(command, hosts, " --distributed-executor-backend ray");
  }
  if (engine == "sglang") {
    return sglang_ranks(command, hosts);
  }
  if (engine == "tensorrt-llm") {
    // mpirun on node 0 starts the ranks of every host (over ssh); the other nodes run nothing of their own.
    return {mpi_launch(command, hosts, std::max<std::uint32_t>(1, candidate.count / hosts))};
  }
  if (engine == "jetstream") {
    return std::vector<std::string>(hosts, command);
  }
  return {}; // no multi-node mode this tool can write: no command rather than one that runs on one host
}

} // namespace llmhw::advice::detail
