// advise --format markdown: a CI job summary with the table, memory and reasons,
// where no name can break the markup.
#include "sample_advice.hpp"

#include "llmhw/report/report.hpp"

#include <catch2/catch.hpp>

using llmhw::report::Format;
using llmhw::report::Style;

namespace {

std::string render(const llmhw::advice::Advice& advice, Style style = {})
{
  return llmhw::report::advice(advice, Format::markdown, style);
}

} // namespace

TEST_CASE("markdown advice has the recommendation, its command and the ranked table", "[report][markdown]")
{
  const std::string text = render(llmhw::test::sample_advice());
  CHECK_THAT(text, Catch::StartsWith("### llm-hw: Llama 3.1 8B Instruct\n"));
  CHECK_THAT(text, Catch::Contains("**Recommended:** Serve Llama 3.1 8B Instruct on 1× NVIDIA L4 with vLLM in bf16"));
  CHECK_THAT(
      text,
      Catch::Contains("```sh\nvllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 4096 --max-num-seqs 8\n```"));
  CHECK_THAT(text, Catch::Contains(
                       "| # | DEVICE | HOST | ENGINE | QUANT | FITS | TTFT | tok/s per user | "
                       "tok/s all users | SCORE |\n| ---: | --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: |\n"
                       "| 1 | 1× NVIDIA L4 | – | vllm | bf16 | yes | 230 ms | 16 | 128 | 72 |\n"));
}

TEST_CASE("markdown advice tabulates each candidate's memory", "[report][markdown]")
{
  const std::string text = render(llmhw::test::sample_advice());
  CHECK_THAT(text, Catch::Contains("#### Memory"));
  // 16.06 GB of weights = 15.0 GiB; the RTX 4060 is 13.2 GiB short of its 7 GiB usable.
  CHECK_THAT(text, Catch::Contains("| 1 | 1× NVIDIA L4 | 15.0 GiB | 4.0 GiB | 512 MiB | 768 MiB | 20.2 GiB |"));
  CHECK_THAT(text, Catch::Contains("| 7.0 GiB | −13.2 GiB |"));
}

TEST_CASE("markdown advice lists reasons by severity with their codes", "[report][markdown]")
{
  const std::string text = render(llmhw::test::sample_advice());
  CHECK_THAT(text, Catch::Contains(
                       "**1. 1× NVIDIA L4 · vllm · bf16** — recommended, score 72\n\n"
                       "- ⚠️ **warning** the KV cache holds 9 sequences of 4,096 tokens; more users queue "
                       "(`KV_CACHE_LIMITS_CONCURRENCY`)\n"
                       "- ℹ️ info decode reads 16.1 GB of weights per step at 300 GB/s (`DECODE_MEMORY_BOUND`)\n"));
  CHECK_THAT(text, Catch::Contains("- ❌ **blocker** 16.1 GB of bf16 weights exceed 7.0 GiB usable"));
  CHECK_THAT(text, Catch::Contains("> **Warning:** no GPU found by the probe; ranking catalog targets"));
}

TEST_CASE("markdown advice escapes names that would break tables or emphasis", "[report][markdown]")
{
  auto advice = llmhw::test::sample_advice();
  advice.candidates[0].assessment.estimate.candidate.name = "Lab *GPU* | rev_2";
  const std::string text = render(advice);
  CHECK_THAT(text, Catch::Contains("| 1 | 1× Lab *GPU* \\| rev_2 |"));
  CHECK_THAT(text, Catch::Contains("**1. 1× Lab \\*GPU\\* \\| rev\\_2 · vllm · bf16**"));
}

TEST_CASE("markdown advice with nothing fitting lists what would", "[report][markdown]")
{
  const std::string text = render(llmhw::test::sample_advice_nothing_fits());
  CHECK_THAT(text, Catch::Contains("**Nothing fits.**"));
  CHECK_THAT(text, Catch::Contains("- 2× RTX 4060 hold the bf16 weights: --target 2xrtx-4060\n"));
  CHECK_THAT(text, !Catch::Contains("```sh"));
}

TEST_CASE("markdown advice whose candidates fit but are blocked says nothing runs", "[report][markdown]")
{
  auto advice = llmhw::test::sample_advice_nothing_fits();
  advice.candidates.front().assessment.estimate.memory.fits = true;
  const std::string text = render(advice);
  CHECK_THAT(text, Catch::Contains("**Nothing runs.**"));
  CHECK_THAT(text, !Catch::Contains("Nothing fits."));
}

TEST_CASE("markdown advice adds assumptions with -v", "[report][markdown]")
{
  const auto advice = llmhw::test::sample_advice();
  CHECK_THAT(render(advice), !Catch::Contains("<details>"));
  CHECK_THAT(render(advice, Style{.verbose = true}),
             Catch::Contains("<details><summary>Assumptions</summary>\n\n- memory bandwidth 300 GB/s"));
}
