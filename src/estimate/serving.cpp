// Serving under load: a small deterministic simulation of the engine's
// scheduler, stepped iteration by iteration as Vidur (Agrawal et al., MLSys
// 2024) steps vLLM's, but with every iteration costed by the roofline of its
// mixed batch (speed.cpp step_cost) plus the engine's per-step host time.
//
// Users: a closed loop of N (each sends its next request when the last one
// ends) or Poisson arrivals at --request-rate. At most memory.max_concurrency
// sequences are in flight (the KV cache holds no more); the others wait in a
// FIFO queue. Continuous batching (Orca, OSDI 2022) gives each iteration one
// token for every decoding sequence and fills the rest of the token budget with
// prompt chunks; static slots (JetStream) prefill one whole prompt on its own.
// Two scheduler properties of engines.json change what an iteration holds:
// without chunked_prefill only whole prompts go in (TensorRT-LLM), without
// mixed_batches an iteration with prompt tokens carries no decode tokens
// (SGLang).
//
// Users are not in step. Real outputs differ in length (stop tokens, sampled
// dataset lengths), so a closed loop's users drift into random phases and their
// prompts arrive in clusters that queue behind each other. The simulation draws
// each request's output uniformly within ±k_output_spread of the mean and
// starts every user at a random point of its first output, from a fixed seed.
// Spacing the users evenly instead (as this file did first) never queues a
// prompt behind another and put NIM's TTFT at 50 users on two H100s at 484 ms,
// where 835 ms is measured; users in step would queue all N prompts at once
// (about 10 s there).
//
// A user's next prompt reaches the engine a few milliseconds after the last
// response ended (k_turnaround_s), when the engine has already started its next
// iteration: the prompt waits for that iteration, as an arrival at any other
// moment does. Admitting it in the iteration that starts as the response ends
// (as this file did before) never let a prompt wait behind another's prefill.
//
// A serving benchmark measures something else: all N users send at once and
// its means carry that start-up wave (Workload::benchmark_rounds, which the
// accuracy harness sets for such rows; the command line reports the steady
// state).
//
// Cheap by construction: a closed loop starts in its steady state (random
// phases), decode-only stretches between events are costed at once, and the
// number of simulated requests is bounded. Advice simulates only the
// candidates that can still win on bound_serving's figures.

#include "detail.hpp"

#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace llmhw::estimate::detail {
namespace {

/// Requests measured in a closed loop: one per user, at least k_min_measured and at most k_max_measured, after
/// one warm-up request per user (at most k_min_measured). The users start at random points of their outputs, so
/// they finish, and send their next prompts, at the steady rate from the start. (Three per user moved no held-out
/// error by more than 1.5 points and cost three times as much.)
constexpr std::size_t k_min_measured = 8;
constexpr std::size_t k_max_measured = 64;
/// Requests a benchmark-protocol run measures at most (64 cohorts × 10 rounds).
constexpr std::size_t k_max_benchmark_requests = 640;
/// Output lengths are drawn uniformly within this share of the mean on either side (the mean stays the workload's).
constexpr double k_output_spread = 0.2;
/// A closed loop of more users is stepped as this many cohorts, each of users / k_max_cohorts users in step.
constexpr std::uint64_t k_max_cohorts = 64;
/// Prompt tokens left below this count as read (a cohort's chunks divide its tokens among its users).
constexpr double k_token_epsilon = 1e-6;
/// Poisson arrivals: the first k_warmup_arrivals fill the system and are not measured.
constexpr std::size_t k_warmup_arrivals = 32;
constexpr std::size_t k_poisson_measured = 256;
/// A closed loop's user sends the next prompt this long after the last token of the previous response: the
/// response's way out (detokenizer, HTTP stream, client) and the prompt's way in (HTTP, tokenizer, scheduler
/// queue). Assumption (no published figure; any value under a decode step gives figures within a point or two,
/// docs/accuracy.md). What matters is that it is not zero: the engine has started its next iteration when the
/// prompt reaches it, so the prompt waits for that iteration, as a Poisson arrival does.
constexpr double k_turnaround_s = 0.005;
/// Hang guard: iterations (or decode stretches) one simulation may step.
constexpr std::size_t k_max_events = 200'000;
/// The generator's seed: the same inputs give the same figures on every run and machine.
constexpr std::uint64_t k_seed = 0x6c6c6d2d6877ULL;

/// The scheduler as the simulation runs it, in words: "continuous-batching scheduler (8192-token budget, 0.3 ms
/// per step on the host; prompt batches run apart from decode)".
std::string scheduler_in_words(const catalog::SchedulerSpec& scheduler)
{
  std::string text =
      fmt::format("{} scheduler ({}-token budget, {:.1f} ms per step on the host",
                  scheduler.kind == catalog::SchedulerKind::static_slots ? "static-slot" : "continuous-batching",
                  scheduler.token_budget, scheduler.step_overhead_ms);
  if (!scheduler.chunked_prefill) {
    text += "; each prompt whole in one iteration";
  }
  if (!scheduler.mixed_batches) {
    text += "; prompt batches run apart from decode";
  }
  return text + ")";
}

struct Request {
  double arrival = 0;
  double admitted = 0;
  double first_token = 0;
  double prefilled = 0; ///< prompt tokens done
  double generated = 0; ///< output tokens produced (the first with the prompt's last chunk)
  double output = 1;    ///< output tokens it asks for
  double weight = 1;    ///< users it stands for: a closed loop of many users is stepped as at most k_max_cohorts
  bool measured = true;
};

struct Latencies {
  std::vector<double> ttft;
  std::vector<double> tpot;
  std::vector<double> e2e;
  std::vector<double> queue;
};

/// Nearest-rank percentile (the value at rank ceil(p × n)) of sorted values; 0 for none.
double percentile(const std::vector<double>& sorted, double share)
{
  if (sorted.empty()) {
    return 0;
  }
  const auto rank = static_cast<std::size_t>(std::ceil(share * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

double mean(const std::vector<double>& values)
{
  double sum = 0;
  for (const double value : values) {
    sum += value;
  }
  return values.empty() ? 0 : sum / static_cast<double>(values.size());
}

Percentiles percentiles_ms(std::vector<double> seconds, double shift_s)
{
  std::sort(seconds.begin(), seconds.end());
  return {(percentile(seconds, 0.50) + shift_s) * 1e3, (percentile(seconds, 0.90) + shift_s) * 1e3,
          (percentile(seconds, 0.99) + shift_s) * 1e3, (mean(seconds) + shift_s) * 1e3};
}

/// Uniform draws in [0, 1) from mt19937_64's bits: portable where std's distributions are not (their algorithms
/// differ between standard libraries; the figures must not).
class Uniform {
public:
  explicit Uniform(std::uint64_t seed) : generator_(seed) {}
  double operator()() { return static_cast<double>(generator_() >> 11) * 0x1.0p-53; }

private:
  std::mt19937_64 generator_;
};

/// Exponential gaps by the inverse CDF.
class PoissonArrivals {
public:
  explicit PoissonArrivals(double rate) : rate_(rate), uniform_(k_seed) {}

  double next()
  {
    time_ += -std::log1p(-uniform_()) / rate_;
    return time_;
  }

private:
  double rate_;
  Uniform uniform_;
  double time_ = 0;
};

class Simulation {
public:
  Simulation(const Inputs& inputs, const MemoryPlan& memory, std::uint64_t slots)
      : inputs_(inputs), memory_(memory), scheduler_(scheduler_of(inputs)),
        prompt_(static_cast<double>(std::max<std::uint64_t>(1, inputs.workload.prompt_tokens))),
        output_(static_cast<double>(std::max<std::uint64_t>(1, inputs.workload.output_tokens))), slots_(slots),
        uniform_(k_seed + 1)
  {
  }

  /// A closed loop of `users` (≤ slots), each at a random point of its first output.
  void start_closed_loop(std::uint64_t users)
  {
    closed_loop_ = true;
    const std::uint64_t cohorts = add_cohorts(users, [this](Request request) {
      request.measured = false;
      request.generated = std::floor(uniform_() * request.output);
      request.prefilled = request.generated > 0 ? prompt_ : 0;
      running_.push_back(request);
    });
    sum_running_weight();
    wanted_ = std::clamp<std::size_t>(cohorts, k_min_measured, k_max_measured);
    warmup_ = std::min<std::size_t>(cohorts, k_min_measured);
  }

  /// A closed loop as a serving benchmark runs it: every user's first prompt at once, `rounds` requests each
  /// measured from the start.
  void start_benchmark(std::uint64_t users, std::uint32_t rounds)
  {
    closed_loop_ = true;
    const std::uint64_t cohorts = add_cohorts(users, [this](Request request) { waiting_.push_back(request); });
    wanted_ = std::min<std::size_t>(cohorts * rounds, k_max_benchmark_requests);
    warmup_ = 0;
  }

  void start_poisson(double rate)
  {
    arrivals_.emplace(rate);
    next_arrival_ = arrivals_->next();
    wanted_ = k_poisson_measured;
  }

  /// Steps until enough requests were measured; false when an iteration costs nothing (no figures to go on).
  bool run()
  {
    for (std::size_t event = 0; event < k_max_events && latencies_.e2e.size() < wanted_; ++event) {
      admit_arrivals();
      if (running_.empty()) {
        const double next = std::min(next_arrival_, pending_.empty() ? INFINITY : pending_.front().arrival);
        if (!std::isfinite(next)) {
          break;
        }
        // Idle until the next request. A closed loop's users are in flight all along (the gap is their own
        // turnaround), so its mean of sequences running leaves the gap out.
        idle_ += closed_loop_ ? next - now_ : 0.0;
        now_ = next;
        continue;
      }
      if (!step()) {
        return false;
      }
    }
    return !latencies_.e2e.empty();
  }

  const Latencies& latencies() const { return latencies_; }
  double elapsed() const { return now_; }
  double mean_running() const { return now_ > idle_ ? running_time_ / (now_ - idle_) : 0; }

  /// Output tokens/s of the measured requests: in a closed loop Little's law (users × mean output / mean
  /// end-to-end latency, free of the start's half-done requests); with arrivals, the tokens of those completed
  /// over the span they arrived and ended in.
  double throughput(double users) const
  {
    if (closed_loop_) {
      double seconds = 0;
      for (const double e2e : latencies_.e2e) {
        seconds += e2e + k_turnaround_s; // a user's cycle
      }
      return seconds > 0 ? users * measured_output_ / seconds : 0;
    }
    const double span = last_completion_ - first_measured_arrival_;
    return span > 0 ? measured_output_ / span : 0;
  }

private:
  /// Hands `place` the users' first requests: at most k_max_cohorts, each standing for its share of the users.
  /// Returns how many.
  template <typename Place> std::uint64_t add_cohorts(std::uint64_t users, Place place)
  {
    const std::uint64_t cohorts = std::min(users, k_max_cohorts);
    for (std::uint64_t cohort = 0; cohort < cohorts; ++cohort) {
      Request request = new_request(0);
      request.weight = static_cast<double>(users) / static_cast<double>(cohorts);
      place(request);
    }
    return cohorts;
  }

  bool static_slots() const { return scheduler_.kind == catalog::SchedulerKind::static_slots; }

  bool prefilled(const Request& request) const { return request.prefilled >= prompt_ - k_token_epsilon; }

  /// Users the running requests stand for (read at every step; summed again only when running_ changes).
  double running_weight() const { return running_weight_; }

  void sum_running_weight()
  {
    running_weight_ = 0;
    for (const Request& request : running_) {
      running_weight_ += request.weight;
    }
  }

  double decode_context(const Request& request) const
  {
    // A static cache is attended over in full (speed.cpp's decode uses the same context).
    return static_slots() ? static_cast<double>(inputs_.workload.context) : prompt_ + request.generated;
  }

  /// A request arriving at `arrival` with its output length drawn.
  Request new_request(double arrival)
  {
    Request request;
    request.arrival = arrival;
    request.output = std::max(1.0, std::round(output_ * (1.0 + k_output_spread * (2.0 * uniform_() - 1.0))));
    return request;
  }

  /// When the next request arrives that a free slot could take (INFINITY for none): a decode stretch ends with
  /// the iteration it arrives in.
  double next_admissible_arrival() const
  {
    const double free = static_cast<double>(slots_) - running_weight() + 1e-9;
    double next = arrivals_ && free >= 1 ? next_arrival_ : INFINITY;
    if (!pending_.empty() && free >= pending_.front().weight) {
      next = std::min(next, pending_.front().arrival);
    }
    return next;
  }

  void admit_arrivals()
  {
    while (!pending_.empty() && pending_.front().arrival <= now_) {
      waiting_.push_back(pending_.front());
      pending_.pop_front();
    }
    while (arrivals_ && next_arrival_ <= now_ && arrived_ < k_warmup_arrivals + k_poisson_measured) {
      Request request = new_request(next_arrival_);
      request.measured = arrived_ >= k_warmup_arrivals;
      if (request.measured && arrived_ == k_warmup_arrivals) {
        first_measured_arrival_ = request.arrival;
      }
      waiting_.push_back(request);
      ++arrived_;
      next_arrival_ = arrived_ < k_warmup_arrivals + k_poisson_measured ? arrivals_->next() : INFINITY;
    }
    while (!waiting_.empty() && running_weight() + waiting_.front().weight <= static_cast<double>(slots_) + 1e-9) {
      waiting_.front().admitted = now_;
      running_.push_back(waiting_.front());
      waiting_.pop_front();
      sum_running_weight();
    }
  }

  /// One iteration with prompt tokens in it, or a stretch of decode-only iterations up to the next event.
  bool step()
  {
    double decoding = 0;
    double context_sum = 0;
    for (const Request& request : running_) {
      if (prefilled(request)) {
        decoding += request.weight;
        context_sum += request.weight * decode_context(request);
      }
    }
    const double mean_context = decoding > 0 ? context_sum / decoding : 0;
    // Prompt chunks in admission order. Continuous batching fills what the decode tokens leave of the budget
    // (all of it where prompts run apart from decode); static slots prefill one whole prompt while the decode
    // batch waits.
    const bool mixed = scheduler_.mixed_batches && !static_slots();
    std::vector<std::pair<Request*, double>> chunks;
    double budget = static_slots() ? prompt_ : std::max(0.0, scheduler_.token_budget - (mixed ? decoding : 0.0));
    double chunk_tokens = 0;
    double offset_tokens = 0;
    for (Request& request : running_) {
      if (prefilled(request) || budget <= 0) {
        continue;
      }
      const double take = prompt_take(request, budget, chunks.empty());
      if (take <= 0) {
        break; // first come, first served: a whole prompt that does not fit waits, and those behind it too
      }
      chunks.emplace_back(&request, take);
      chunk_tokens += take;
      offset_tokens += take * request.prefilled;
      budget -= take;
      if (static_slots()) {
        break;
      }
    }
    if (!chunks.empty()) {
      const double batch_decode = mixed ? decoding : 0.0;
      const double seconds =
          iteration_seconds({batch_decode, mean_context, chunk_tokens, offset_tokens / chunk_tokens});
      if (seconds <= 0) {
        return false;
      }
      advance(seconds, 1, batch_decode > 0);
      for (auto& [request, take] : chunks) {
        request->prefilled += take / request->weight;
        if (prefilled(*request)) {
          request->first_token = now_;
          request->generated = 1;
        }
      }
      retire_finished();
      return true;
    }
    // Decode only: nothing changes until the first sequence ends or (with a free slot) the next request arrives.
    double stretch = INFINITY;
    for (const Request& request : running_) {
      stretch = std::min(stretch, request.output - request.generated);
    }
    stretch = std::max(1.0, stretch);
    const double one = iteration_seconds({decoding, mean_context, 0, 0});
    if (one <= 0) {
      return false;
    }
    if (const double next = next_admissible_arrival(); std::isfinite(next)) {
      stretch = std::clamp(std::ceil((next - now_) / one), 1.0, stretch);
    }
    // Contexts grow by one token a step: cost the stretch at its middle.
    const double middle = static_slots() ? mean_context : mean_context + (stretch - 1) / 2;
    advance(iteration_seconds({decoding, middle, 0, 0}) * stretch, stretch, true);
    retire_finished();
    return true;
  }

  /// Prompt tokens of `request` (all its users) an iteration with `budget` tokens left runs. Without chunked
  /// prefill only whole prompts go in, except one longer than the whole budget, which goes in budget-sized parts
  /// when it is the iteration's first (else it could never run).
  double prompt_take(const Request& request, double budget, bool first) const
  {
    const double left = (prompt_ - request.prefilled) * request.weight;
    if (scheduler_.cuts_prompts()) {
      return std::min(left, budget);
    }
    const double whole_prompts = std::floor(budget / prompt_ + k_token_epsilon) * prompt_;
    if (whole_prompts > 0 && request.prefilled <= k_token_epsilon) {
      return std::min(left, whole_prompts);
    }
    return first ? std::min(left, budget) : 0.0;
  }

  double iteration_seconds(const StepBatch& batch) const
  {
    const double device = step_cost(inputs_, memory_, batch).seconds;
    return device > 0 ? device + scheduler_.step_overhead_ms * 1e-3 : 0.0;
  }

  /// `iterations` steps taking `seconds` in all; every decoding sequence gains a token each.
  void advance(double seconds, double iterations, bool decodes)
  {
    running_time_ += running_weight() * seconds;
    now_ += seconds;
    if (!decodes) {
      return;
    }
    for (Request& request : running_) {
      if (prefilled(request) && request.generated > 0) {
        request.generated += iterations;
      }
    }
  }

  void retire_finished()
  {
    bool finished = false;
    for (const Request& request : running_) {
      if (request.generated < request.output) {
        continue;
      }
      finished = true;
      if (request.measured) {
        latencies_.ttft.push_back(request.first_token - request.arrival);
        latencies_.e2e.push_back(now_ - request.arrival);
        latencies_.tpot.push_back(request.output > 1 ? (now_ - request.first_token) / (request.output - 1) : 0.0);
        latencies_.queue.push_back(request.admitted - request.arrival);
        measured_output_ += request.output;
        last_completion_ = now_;
      }
      if (closed_loop_) {
        Request next = new_request(now_ + k_turnaround_s); // the same users' next requests
        next.weight = request.weight;
        next.measured = issued_++ >= warmup_;
        pending_.push_back(next);
      }
    }
    if (finished) {
      std::erase_if(running_, [](const Request& request) { return request.generated >= request.output; });
      sum_running_weight();
    }
  }

  const Inputs& inputs_;
  const MemoryPlan& memory_;
  const catalog::SchedulerSpec& scheduler_;
  double prompt_;
  double output_;
  std::uint64_t slots_;
  bool closed_loop_ = false;
  std::optional<PoissonArrivals> arrivals_;
  double next_arrival_ = INFINITY;
  std::size_t arrived_ = 0;
  std::size_t wanted_ = 0;
  std::size_t warmup_ = 0;
  std::size_t issued_ = 0;
  Uniform uniform_;
  double measured_output_ = 0;
  double first_measured_arrival_ = 0;
  double last_completion_ = 0;
  double now_ = 0;
  double running_time_ = 0;
  double idle_ = 0;             ///< seconds a closed loop had nothing running (all users between requests)
  std::deque<Request> pending_; ///< a closed loop's next requests, on their way in (arrival in the future)
  std::deque<Request> waiting_; ///< arrived, waiting for a slot
  std::vector<Request> running_;
  double running_weight_ = 0;
  Latencies latencies_;
};

} // namespace

void bound_serving(const Inputs& inputs, const MemoryPlan& memory, std::uint64_t users, Performance& performance)
{
  if (performance.tpot_ms <= 0) {
    return;
  }
  const catalog::SchedulerSpec& scheduler = scheduler_of(inputs);
  const double overhead = scheduler.step_overhead_ms * 1e-3;
  const double slots = static_cast<double>(std::max<std::uint64_t>(1, memory.max_concurrency));
  const double running =
      inputs.workload.request_rate ? slots : std::min(slots, static_cast<double>(std::max<std::uint64_t>(1, users)));
  const double prompt = static_cast<double>(std::max<std::uint64_t>(1, inputs.workload.prompt_tokens));
  const double output = static_cast<double>(std::max<std::uint64_t>(1, inputs.workload.output_tokens));
  // No iteration costs less than reading one token's weights; no decode step of a sequence less than its own
  // step alone at its prompt's context (every cost term grows with the batch, the context and the chunk).
  const double cheapest = step_cost(inputs, memory, {1, 0, 0, 0}).seconds + overhead;
  const double context =
      scheduler.kind == catalog::SchedulerKind::static_slots ? static_cast<double>(inputs.workload.context) : prompt;
  const double tpot = step_cost(inputs, memory, {1, context, 0, 0}).seconds + overhead;
  // Each iteration gives at most one token to each running sequence, and every request's prompt and output cost
  // at least their 2 FLOPs per parameter at the calibrated peak (over the pipeline stages at most at once).
  double throughput = running / cheapest;
  const StepCost one_token = step_cost(inputs, memory, {0, 0, 1, 0});
  if (one_token.compute > 0) {
    // Per request with the longest output drawn (k_output_spread above the mean): the simulation measures the
    // output of its measured requests, which may run longer than the mean, and longer outputs cost less compute
    // per output token.
    const double longest = output * (1 + k_output_spread);
    throughput =
        std::min(throughput, longest * inputs.layout.pipeline_stages / ((prompt + longest - 1) * one_token.compute));
  }
  performance.tpot_ms = tpot * 1e3;
  performance.decode_tok_s_per_user = 1.0 / tpot;
  performance.decode_tok_s_aggregate = running / tpot;
  performance.throughput_tok_s = throughput;
  performance.requests_per_s = throughput / output;
}

const catalog::SchedulerSpec& scheduler_of(const Inputs& inputs)
{
  static const catalog::SchedulerSpec continuous;
  return inputs.engine && inputs.engine->scheduler ? *inputs.engine->scheduler : continuous;
}

void simulate_serving(const Inputs& inputs, const MemoryPlan& memory, std::uint64_t users, Performance& performance,
                      Assumptions& assumptions)
{
  if (performance.tpot_ms <= 0) {
    return; // no figures to cost an iteration with
  }
  const std::uint64_t slots = std::max<std::uint64_t>(1, memory.max_concurrency);
  const std::optional<double> rate = inputs.workload.request_rate;
  users = std::max<std::uint64_t>(1, users);
  Simulation simulation(inputs, memory, slots);
  if (rate) {
    simulation.start_poisson(*rate);
  } else if (inputs.workload.benchmark_rounds > 0) {
    simulation.start_benchmark(std::min(users, slots), inputs.workload.benchmark_rounds);
  } else {
    simulation.start_closed_loop(std::min(users, slots));
  }
  if (!simulation.run() || simulation.elapsed() <= 0) {
    return;
  }
  const double output = static_cast<double>(std::max<std::uint64_t>(1, inputs.workload.output_tokens));
  const double throughput = simulation.throughput(static_cast<double>(std::min(users, slots)));
  // A closed loop with more users than sequences fit: the rest wait in the queue. Each request completed admits
  // the next, so a user waits for (users - slots) completions (Little's law over the steady state simulated).
  double wait = 0;
  if (!rate && users > slots && throughput > 0) {
    wait = static_cast<double>(users - slots) / (throughput / output);
    assumptions.add([&] {
      return fmt::format("the KV cache holds {} of the {} users' sequences; the other {} wait {:.0f} ms "
                         "in the queue",
                         slots, users, users - slots, wait * 1e3);
    });
  }
  const Latencies& latencies = simulation.latencies();
  performance.ttft = percentiles_ms(latencies.ttft, wait);
  performance.tpot = percentiles_ms(latencies.tpot, 0);
  performance.e2e = percentiles_ms(latencies.e2e, wait);
  performance.ttft_ms = performance.ttft.p50;
  if (performance.tpot.p50 > 0) {
    performance.tpot_ms = performance.tpot.p50;
    performance.decode_tok_s_per_user = 1e3 / performance.tpot_ms;
  }
  performance.sequences_running = std::min(simulation.mean_running(), static_cast<double>(slots));
  performance.decode_tok_s_aggregate = performance.decode_tok_s_per_user * performance.sequences_running;
  performance.throughput_tok_s = throughput;
  performance.requests_per_s = throughput / output;
  performance.queue_ms = (mean(latencies.queue) + wait) * 1e3;
  assumptions.add([&] {
    return fmt::format(
        "latencies simulated for {}: {}, {} in flight",
        rate ? fmt::format("{:g} requests/s (Poisson)", *rate)
             : fmt::format("{} in a closed loop", util::count_of(users, "user")),
        scheduler_in_words(scheduler_of(inputs)),
        util::count_of(static_cast<std::uint64_t>(std::lround(performance.sequences_running)), "sequence"));
  });
}

} // namespace llmhw::estimate::detail
