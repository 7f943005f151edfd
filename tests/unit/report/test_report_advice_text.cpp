// advise as text: recommendation first with its command, the ranked table, a
// memory bar and reasons per candidate, fitted to the terminal's width.
#include "sample_advice.hpp"

#include "llmhw/report/report.hpp"

#include <catch2/catch.hpp>

using llmhw::report::Format;
using llmhw::report::Style;

namespace {

std::string render(const llmhw::advice::Advice& advice, Style style = {})
{
  return llmhw::report::advice(advice, Format::text, style);
}

/// Columns on screen: code points (the test does not trust the reporter's own counting).
std::size_t columns(const std::string& line)
{
  std::size_t count = 0;
  for (const char c : line) {
    count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  }
  return count;
}

std::vector<std::string> lines_of(const std::string& text)
{
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return lines;
}

std::size_t position(const std::string& text, const std::string& part)
{
  const std::size_t at = text.find(part);
  INFO(part);
  REQUIRE(at != std::string::npos);
  return at;
}

} // namespace

TEST_CASE("text advice opens with the recommendation and its command on one line", "[report][text]")
{
  const std::string text = render(llmhw::test::sample_advice());
  CHECK_THAT(text, Catch::Contains("Recommended: Serve Llama 3.1 8B Instruct on 1× NVIDIA L4 with vLLM in bf16"));
  CHECK_THAT(text, Catch::Contains(
                       "\n  $ vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 4096 --max-num-seqs 8\n"));
  CHECK(position(text, "Recommended:") < position(text, "DEVICE"));
  CHECK_THAT(text, Catch::Contains("TTFT time to first token · TOK/S output tokens/s per user · TOTAL all users"));
}

TEST_CASE("the caption says why one user's TOTAL is below its TOK/S", "[report][text]")
{
  // One user's output rate over the whole request (its prompt's time included) is below its decode rate: only
  // then does the caption say so, the first time a reader could take it for a contradiction.
  llmhw::advice::Advice advice = llmhw::test::sample_advice();
  const std::string note = "TOTAL all users, prompt time included";
  for (auto& candidate : advice.candidates) {
    auto& performance = candidate.assessment.estimate.performance;
    performance.throughput_tok_s = performance.decode_tok_s_per_user * 4; // several users: above one's rate
  }
  CHECK_THAT(render(advice, Style{.width = 200}), !Catch::Contains(note));
  auto& lone = advice.candidates.front().assessment.estimate.performance;
  lone.throughput_tok_s = lone.decode_tok_s_per_user * 0.8; // one user, whose prompt takes a fifth of each request
  CHECK_THAT(render(advice, Style{.width = 200}), Catch::Contains(note));
}

TEST_CASE("text advice ranks candidates in a table with speeds only where the model fits", "[report][text]")
{
  const std::string text = render(llmhw::test::sample_advice(), Style{.width = 120});
  const auto lines = lines_of(text);
  const auto header = std::find_if(lines.begin(), lines.end(),
                                   [](const std::string& line) { return line.find("DEVICE") != std::string::npos; });
  REQUIRE(header != lines.end());
  for (const char* column : {"#", "HOST", "ENGINE", "QUANT", "FITS", "TTFT", "TOK/S", "TOTAL", "SCORE"}) {
    CHECK_THAT(*header, Catch::Contains(column));
  }
  REQUIRE(header + 3 < lines.end());
  // Rank 1: one L4, 230 ms to the first token, 16 tok/s per user, 128 in all, score 72.
  CHECK_THAT(header[1], Catch::Matches(R"(\s*1  1× NVIDIA L4\s+–\s+vllm\s+bf16\s+yes\s+230 ms\s+16\s+128\s+72)"));
  CHECK_THAT(header[2], Catch::Matches(R"(\s*2  2× NVIDIA L4\s+–\s+vllm\s+bf16\s+yes\s+140 ms\s+29\.4\s+235\s+64)"));
  // The RTX 4060 cannot hold the weights: no speeds are printed for it.
  CHECK_THAT(header[3],
             Catch::Matches(R"(\s*3  1× NVIDIA GeForce RTX 4060\s+desk-07\s+vllm\s+bf16\s+no\s+–\s+–\s+–\s+0)"));
}

TEST_CASE("text advice draws a memory bar per candidate with a legend", "[report][text]")
{
  const std::string text = render(llmhw::test::sample_advice());
  CHECK_THAT(text, Catch::Contains("Memory"));
  CHECK_THAT(text, Catch::Contains("█ weights"));
  // The L4 fits: used of usable; the RTX 4060 does not: needed against usable, the limit marked.
  CHECK_THAT(text, Catch::Contains("20.2 GiB of 20.2 GiB\n"));
  CHECK_THAT(text, Catch::Contains("20.2 GiB needed, 7.0 GiB usable"));
  CHECK_THAT(text, Catch::Contains("┃"));
}

TEST_CASE("text advice groups reasons by severity, blockers first", "[report][text]")
{
  const std::string text = render(llmhw::test::sample_advice());
  const std::size_t why = position(text, "Why");
  // Listed info-first in the sample; printed warning-first, then blocker before info for the RTX 4060.
  CHECK(position(text, "! warning  the KV cache holds 9") < position(text, "· info     decode reads 16.1 GB"));
  CHECK(position(text, "✗ blocker  16.1 GB of bf16 weights") < position(text, "· info     q4_k_m weights"));
  CHECK(why < position(text, "! warning"));
  CHECK_THAT(text, Catch::Contains("[WEIGHTS_EXCEED_MEMORY]"));
  CHECK_THAT(text, Catch::Contains("1× NVIDIA L4 · vllm · bf16 — recommended, score 72"));
}

TEST_CASE("verbose text (-v) adds every assumption, requirement and command", "[report][text]")
{
  const auto advice = llmhw::test::sample_advice();
  const std::string brief = render(advice);
  const std::string verbose = render(advice, Style{.verbose = true});
  const char* assumption = "vLLM reserves gpu_memory_utilization = 0.9 of device memory";
  CHECK_THAT(brief, !Catch::Contains(assumption));
  CHECK_THAT(verbose, Catch::Contains("assumes " + std::string(assumption)));
  CHECK_THAT(verbose, Catch::Matches(R"([\s\S]*\n    ✗  max_tpot_ms\s+62\.5 ms\s+≤ 50 ms\n[\s\S]*)"));
  CHECK_THAT(verbose, Catch::Contains("$ vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 4096 "
                                      "--max-num-seqs 8 --tensor-parallel-size 2"));
}

TEST_CASE("text advice shows only the top three candidates in detail unless -v", "[report][text]")
{
  auto advice = llmhw::test::sample_advice();
  auto fourth = advice.candidates[1];
  fourth.assessment.findings = {{"FOURTH_CANDIDATE_FINDING", llmhw::rules::Severity::warn, "only with -v", 0}};
  advice.candidates.push_back(fourth);
  CHECK_THAT(render(advice), !Catch::Contains("FOURTH_CANDIDATE_FINDING"));
  CHECK_THAT(render(advice, Style{.verbose = true}), Catch::Contains("FOURTH_CANDIDATE_FINDING"));
}

TEST_CASE("text advice fits 80, 100 and 160 columns", "[report][text]")
{
  auto advice = llmhw::test::sample_advice();
  // A long driver-reported name must be cut, not wrap the table.
  advice.candidates[0].assessment.estimate.candidate.name = "NVIDIA RTX PRO 6000 Blackwell Server Edition 96GB";
  for (const int width : {80, 100, 160}) {
    for (const bool verbose : {false, true}) {
      for (const std::string& line : lines_of(render(advice, Style{.width = width, .verbose = verbose}))) {
        INFO(width << ": " << line);
        // The command line is the one thing kept whole, so it can be copied.
        if (line.find("$ vllm") == std::string::npos) {
          CHECK(columns(line) <= static_cast<std::size_t>(width));
        }
      }
    }
  }
}

TEST_CASE("text advice uses colour only when asked", "[report][text]")
{
  const auto advice = llmhw::test::sample_advice();
  CHECK_THAT(render(advice), !Catch::Contains("\x1b["));
  CHECK_THAT(render(advice, Style{.color = true}), Catch::Contains("\x1b[1m"));
}

TEST_CASE("text advice with nothing fitting says so and what would help", "[report][text]")
{
  const std::string text = render(llmhw::test::sample_advice_nothing_fits());
  CHECK_THAT(text, Catch::Contains("Nothing fits."));
  CHECK_THAT(text, Catch::Contains("try: q4_k_m weights with llama.cpp fit in 8 GiB"));
  CHECK_THAT(text, Catch::Contains("try: 2× RTX 4060 hold the bf16 weights: --target 2xrtx-4060"));
  CHECK_THAT(text, !Catch::Contains("Recommended:"));
}

TEST_CASE("text advice whose candidates hold the model but not every user's KV cache says how many they hold",
          "[report][text]")
{
  auto advice = llmhw::test::sample_advice_nothing_fits();
  advice.workload.concurrency = 64;
  for (auto& ranked : advice.candidates) {
    ranked.assessment.estimate.memory.max_concurrency = 0;
  }
  advice.candidates.front().assessment.estimate.memory.max_concurrency = 36; // the weights and 36 users' KV fit
  const std::string text = render(advice);
  CHECK_THAT(text, Catch::Contains("Nothing fits."));
  CHECK_THAT(text, Catch::Contains("none the KV cache of all 64 users: 36 at most"));
  CHECK_THAT(text, !Catch::Contains("No candidate holds this model and workload in memory"));
}

TEST_CASE("text advice whose candidates fit but are each blocked says nothing runs, not that nothing fits",
          "[report][text]")
{
  auto advice = llmhw::test::sample_advice_nothing_fits();
  advice.candidates.front().assessment.estimate.memory.fits = true; // held in memory, blocked for another reason
  const std::string text = render(advice);
  CHECK_THAT(text, Catch::Contains("Nothing runs."));
  CHECK_THAT(text, !Catch::Contains("Nothing fits."));
  CHECK_THAT(text, Catch::Contains("try: 2× RTX 4060 hold the bf16 weights"));
}

TEST_CASE("text advice prints the model, workload, service levels and warnings", "[report][text]")
{
  const std::string text = render(llmhw::test::sample_advice());
  CHECK_THAT(text, Catch::Contains("Llama 3.1 8B Instruct · 8.0B parameters"));
  CHECK_THAT(text, Catch::Contains("\nchat workload · 3,072 prompt + 1,024 output tokens · context 4,096 · 8 users\n"));
  CHECK_THAT(text, Catch::Contains("\nservice levels: TTFT ≤ 800 ms · TPOT ≤ 50 ms\n"));
  CHECK_THAT(text, Catch::Contains("warning: no GPU found by the probe; ranking catalog targets"));
}

TEST_CASE("text advice prints ? for speeds the estimator could not give", "[report][text]")
{
  // A CPU the catalog does not know: no bandwidth, so no speed (the estimator leaves zeros and no bound).
  auto advice = llmhw::test::sample_advice();
  advice.candidates[0].assessment.estimate.performance = {};
  const std::string text = render(advice, Style{.width = 120});
  CHECK_THAT(text, Catch::Matches(R"([\s\S]*\n1  1× NVIDIA L4\s+–\s+vllm\s+bf16\s+yes\s+\?\s+\?\s+\?\s+72\n[\s\S]*)"));
}

TEST_CASE("text and markdown advice write large and small figures as people do, never with exponents",
          "[report][text][markdown]")
{
  // A CPU serving a long prompt: 153 s to the first token, 1,530 tok/s in all, 0.004 ms for a tiny step.
  auto advice = llmhw::test::sample_advice();
  auto& performance = advice.candidates[0].assessment.estimate.performance;
  performance.ttft_ms = 153'000;
  performance.decode_tok_s_aggregate = 1530;
  advice.candidates[1].assessment.estimate.performance.ttft_ms = 0.004;
  advice.candidates[0].assessment.requirements = {{"max_ttft_ms", 800, 153'000, false}};
  for (const Format format : {Format::text, Format::markdown}) {
    const std::string text = llmhw::report::advice(advice, format, Style{.width = 120, .verbose = true});
    INFO(text);
    CHECK_THAT(text, Catch::Contains("2 min 33 s"));
    CHECK_THAT(text, Catch::Contains("1,530"));
    CHECK_THAT(text, Catch::Contains("0.004 ms"));
    CHECK_THAT(text, !Catch::Matches(R"([\s\S]*[0-9]e[+-][0-9][\s\S]*)"));
  }
}

TEST_CASE("a partly offloaded candidate shows its layers on the device and its speed", "[report][text][markdown]")
{
  // llama.cpp with 20 of Llama 3.1 8B's 32 layers on the GPU: it does not fit, but it runs at the speed shown.
  auto advice = llmhw::test::sample_advice();
  auto& memory = advice.candidates[0].assessment.estimate.memory;
  memory.fits = false;
  memory.gpu_layers = 20;
  memory.total_layers = 32;
  const std::string text = render(advice, Style{.width = 160});
  CHECK_THAT(
      text,
      Catch::Matches(R"([\s\S]*\n1  1× NVIDIA L4\s+–\s+vllm\s+bf16\s+20/32 layers\s+230 ms\s+16\s+128\s+72\n[\s\S]*)"));
  CHECK_THAT(text, Catch::Contains("n of the model's m layers fit on the device"));
  const std::string markdown = llmhw::report::advice(advice, Format::markdown, Style{});
  CHECK_THAT(markdown, Catch::Contains("| 20/32 layers | 230 ms |"));
}

TEST_CASE("a recommendation that misses a requirement is followed by what would do better", "[report][text][markdown]")
{
  auto advice = llmhw::test::sample_advice();
  advice.suggestions = {"Use 2 NVIDIA L4 instead of 1 (--target 2xl4)"};
  const std::string text = render(advice, Style{.width = 120});
  CHECK(position(text, "Recommended:") < position(text, "  try: Use 2 NVIDIA L4 instead of 1 (--target 2xl4)"));
  const std::string markdown = llmhw::report::advice(advice, Format::markdown, Style{});
  CHECK_THAT(markdown, Catch::Contains("What would do better:\n\n- Use 2 NVIDIA L4 instead of 1 (--target 2xl4)\n"));
}

TEST_CASE("a candidate in a system is named by the system and the devices it uses", "[report][text]")
{
  auto advice = llmhw::test::sample_advice();
  llmhw::catalog::SystemSpec box;
  box.id = "lab-4xl4";
  box.name = "Lab box";
  box.device = "l4";
  box.count = 4;
  advice.candidates[1].assessment.estimate.candidate.system = box;
  CHECK_THAT(render(advice, Style{.width = 120}), Catch::Contains("\n2  Lab box (2 of 4× l4) "));
  advice.candidates[1].assessment.estimate.candidate.count = 4;
  CHECK_THAT(render(advice, Style{.width = 120}), Catch::Contains("\n2  Lab box (4× l4) "));
}

TEST_CASE("text advice with no candidate at all says that no engine runs the model there", "[report][text]")
{
  auto advice = llmhw::test::sample_advice_nothing_fits();
  advice.candidates.clear();
  const std::string text = render(advice);
  CHECK_THAT(text, Catch::Contains("No candidate: no engine in the catalog runs this model on these devices."));
  CHECK_THAT(text, !Catch::Contains("DEVICE"));
}

TEST_CASE("text advice details the best candidate of each of the first three devices", "[report][text]")
{
  // Five engines on the L4 ahead of the others: details still cover the L4, 2× L4 and the RTX 4060.
  auto advice = llmhw::test::sample_advice();
  std::vector<llmhw::advice::RankedCandidate> candidates(4, advice.candidates[0]);
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    candidates[i].assessment.findings = {
        {"ENGINE_" + std::to_string(i), llmhw::rules::Severity::info, "engine " + std::to_string(i), 0}};
  }
  candidates.insert(candidates.end(), advice.candidates.begin() + 1, advice.candidates.end());
  advice.candidates = candidates;
  const std::string text = render(advice);
  CHECK_THAT(text, Catch::Contains("[ENGINE_0]"));
  CHECK_THAT(text, !Catch::Contains("[ENGINE_1]"));
  CHECK_THAT(text, Catch::Contains(" 5  2× NVIDIA L4 · vllm · bf16 — viable"));
  CHECK_THAT(text, Catch::Contains(" 6  1× NVIDIA GeForce RTX 4060 · vllm · bf16 — not-viable"));
  CHECK_THAT(render(advice, Style{.verbose = true}), Catch::Contains("[ENGINE_3]"));
}

TEST_CASE("text advice lists twelve candidates and counts the rest unless -v", "[report][text]")
{
  auto advice = llmhw::test::sample_advice();
  advice.candidates.resize(20, advice.candidates[1]);
  const std::string text = render(advice, Style{.width = 120});
  CHECK_THAT(text, Catch::Contains("\n12  2× NVIDIA L4"));
  CHECK_THAT(text, !Catch::Contains("\n13  2× NVIDIA L4"));
  CHECK_THAT(text, Catch::Contains("… 8 more (-v lists every candidate)"));
  CHECK_THAT(render(advice, Style{.width = 120, .verbose = true}), Catch::Contains("\n20  2× NVIDIA L4"));
}

TEST_CASE("the memory legend shows the limit marker only when a bar has one", "[report][text]")
{
  auto advice = llmhw::test::sample_advice();
  CHECK_THAT(render(advice), Catch::Contains("┃ usable limit"));
  advice.candidates.pop_back(); // the RTX 4060, the one that does not fit
  CHECK_THAT(render(advice), !Catch::Contains("┃"));
}

TEST_CASE("text advice adds a cost column only when a shown candidate is priced", "[report][text]")
{
  llmhw::advice::Advice advice = llmhw::test::sample_advice();
  CHECK_THAT(render(advice, Style{.width = 120}), !Catch::Contains("$/M"));
  // $0.80 an hour for 128 output tokens/s: 0.80 / (128 × 3600) × 1e6 = $1.74 per million output tokens.
  advice.candidates.front().cost.usd_per_million_output_tokens = 0.80 / (128.0 * 3600) * 1e6;
  const std::string text = render(advice, Style{.width = 120});
  const auto lines = lines_of(text);
  const auto header = std::find_if(lines.begin(), lines.end(),
                                   [](const std::string& line) { return line.find("DEVICE") != std::string::npos; });
  REQUIRE(header + 2 < lines.end());
  CHECK_THAT(*header, Catch::Matches(R"(.*TOTAL\s+\$/M\s+SCORE)"));
  CHECK_THAT(header[1], Catch::Matches(R"(.*\s128\s+1\.74\s+72)"));
  CHECK_THAT(header[2], Catch::Matches(R"(.*\s235\s+–\s+64)"));
  CHECK_THAT(text, Catch::Contains("$/M US dollars per million output tokens"));
}
