// Terminal escape injection: names, paths and values from files, other hosts, the machine and the command line
// carry escape sequences, bells, carriage returns, backspaces, DEL, C1 controls, bidi overrides, NUL and invalid
// UTF-8. Whatever llm-hw prints of them, in text or markdown, on stdout or stderr, must show them as visible text:
// nothing in its output may drive the terminal except its own colour sequences. The JSON output keeps the
// original strings (JSON escapes them).
#include "support/run_binary.hpp"
#include "support/temp_dir.hpp"
#include "unit/model/gguf_writer.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using llmhw::test::run_llm_hw;
using llmhw::test::run_llm_hw_in_terminal;
using llmhw::test::RunResult;
using llmhw::test::TempDir;

namespace fs = std::filesystem;

namespace {

// A value that tries everything at once: conceal (SGR 8) and an OSC window title (ESC ] … BEL), a carriage return
// and a backspace that overwrite what came before, DEL, the one-byte C1 CSI as UTF-8 (U+009B) and as a bare byte,
// the right-to-left override U+202E, the isolate U+2066, and an invalid UTF-8 byte. "hidden" is the word that
// must be shown. No NUL or newline: it also goes into argv, the environment and file names.
const std::string k_hostile = "\x1b[8mhidden\x1b]0;title\x07"
                              "bell\rreturn\bback\x7f"
                              "del\xc2\x9b"
                              "2J\x9b"
                              "2J\xe2\x80\xae"
                              "rlo\xe2\x81\xa6"
                              "iso\xff"
                              "end";

// The same as a JSON string literal's contents (JSON cannot carry invalid UTF-8; it can carry NUL, tab and a
// line break), and what a JSON reader makes of it.
const std::string k_hostile_json_literal =
    R"(\u001b[8mhidden\u001b]0;title\u0007bell\rreturn\bback\u007fdel\u009b2J\u202erlo\u2066iso\u0000nul\ttab\nline)";
const std::string k_hostile_decoded = std::string("\x1b[8mhidden\x1b]0;title\x07"
                                                  "bell\rreturn\bback\x7f"
                                                  "del\xc2\x9b"
                                                  "2J\xe2\x80\xae"
                                                  "rlo\xe2\x81\xa6"
                                                  "iso") +
                                      std::string("\0nul\ttab\nline", 13);

// For one-line files (hostname, os-release, cpuinfo): NUL and a tab as well.
const std::string k_hostile_line = k_hostile + std::string("\0nul\ttab", 8);

// Within GGUF's 64-byte limit on keys and tensor names.
const std::string k_hostile_short = std::string("\x1b[8mhidden\x07\r\b\x7f\xc2\x9b\xe2\x80\xae\xff\0\t", 22);

// Colour sequences llm-hw itself writes (src/report/style.hpp), with colour on.
const std::vector<std::string> k_own_sequences = {"\x1b[1m",  "\x1b[2m",  "\x1b[31m", "\x1b[32m", "\x1b[33m",
                                                  "\x1b[34m", "\x1b[35m", "\x1b[36m", "\x1b[0m"};

/// The first thing in `text` a terminal would act on rather than show, described; empty when there is none.
/// Decodes UTF-8 itself (independently of llm-hw): any byte under 0x20 but a line break, DEL, a C1 control, a bidi
/// control or a line separator, and any invalid UTF-8. With `colour`, llm-hw's own colour sequences are allowed.
std::string terminal_hazard(const std::string& text, bool colour)
{
  const auto describe = [&](std::size_t at, const std::string& what) {
    std::ostringstream out;
    out << what << " at byte " << at << " in: …" << text.substr(at < 40 ? 0 : at - 40, 80) << "…";
    return out.str();
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (colour && byte == 0x1b) {
      bool own = false;
      for (const std::string& sequence : k_own_sequences) {
        if (text.compare(i, sequence.size(), sequence) == 0) {
          i += sequence.size();
          own = true;
          break;
        }
      }
      if (own) {
        continue;
      }
    }
    if (byte == '\n' || (byte >= 0x20 && byte < 0x7f)) {
      ++i;
      continue;
    }
    if (byte < 0x20 || byte == 0x7f) {
      return describe(i, "control byte " + std::to_string(byte));
    }
    const std::size_t length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 0;
    if (length == 0 || i + length > text.size()) {
      return describe(i, "invalid UTF-8");
    }
    char32_t code_point = byte & (length == 2 ? 0x1f : length == 3 ? 0x0f : 0x07);
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) {
        return describe(i, "invalid UTF-8");
      }
      code_point = (code_point << 6) | (next & 0x3f);
    }
    const char32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < least[length] || (code_point >= 0xd800 && code_point <= 0xdfff) || code_point > 0x10ffff) {
      return describe(i, "invalid UTF-8");
    }
    const bool c1 = code_point >= 0x80 && code_point <= 0x9f;
    const bool bidi = code_point == 0x061c || code_point == 0x200e || code_point == 0x200f ||
                      (code_point >= 0x202a && code_point <= 0x202e) || (code_point >= 0x2066 && code_point <= 0x2069);
    const bool separator = code_point == 0x2028 || code_point == 0x2029;
    if (c1 || bidi || separator) {
      return describe(i, "control character U+" + std::to_string(static_cast<unsigned>(code_point)));
    }
    i += length;
  }
  return "";
}

/// Runs `arguments` as text, as markdown and as verbose text, with colour off (pipes), then as text and verbose
/// text on a terminal with colour on. Nothing on stdout or stderr may drive the terminal. Returns everything
/// printed with colour off, for callers to check the value was shown.
std::string check_terminal_safe(const std::vector<std::string>& arguments,
                                const std::map<std::string, std::string>& environment = {})
{
  std::string printed;
  for (const std::vector<std::string>& extra :
       std::vector<std::vector<std::string>>{{}, {"--format", "markdown"}, {"-v"}, {"--format", "markdown", "-v"}}) {
    std::vector<std::string> run = arguments;
    run.insert(run.end(), extra.begin(), extra.end());
    const RunResult result = run_llm_hw(run, environment);
    INFO("llm-hw " << Catch::Detail::stringify(run) << " exited " << result.exit_code);
    CHECK(result.exit_code <= 3); // a document or an error, never a crash
    CHECK(terminal_hazard(result.out, false) == "");
    CHECK(terminal_hazard(result.err, false) == "");
    printed += result.out + result.err;
  }
  std::map<std::string, std::string> coloured = environment;
  coloured["NO_COLOR"] = "";
  for (const std::vector<std::string>& extra : std::vector<std::vector<std::string>>{{}, {"-v"}}) {
    std::vector<std::string> run = arguments;
    run.insert(run.end(), extra.begin(), extra.end());
    RunResult result = run_llm_hw_in_terminal(run, coloured);
    // The terminal driver turns each line break into CR LF (ONLCR); any other CR came from llm-hw.
    std::string shown;
    for (std::size_t i = 0; i < result.out.size(); ++i) {
      if (!(result.out[i] == '\r' && i + 1 < result.out.size() && result.out[i + 1] == '\n')) {
        shown += result.out[i];
      }
    }
    INFO("on a terminal: llm-hw " << Catch::Detail::stringify(run));
    CHECK(terminal_hazard(shown, true) == "");
  }
  return printed;
}

/// `llm-hw ARGUMENTS --json`: it must succeed; the parsed document.
nlohmann::json json_of(std::vector<std::string> arguments, const std::map<std::string, std::string>& environment = {})
{
  arguments.emplace_back("--json");
  const RunResult result = run_llm_hw(arguments, environment);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return nlohmann::json::parse(result.out);
}

std::string read_text(const fs::path& path)
{
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& path, const std::string& content)
{
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

constexpr std::uint32_t k_f32 = 0;

/// A two-layer Llama-shaped GGUF (as in tests/unit/model) whose name, one metadata key and one tensor name are
/// hostile; `architecture` as given.
llmhw::test::GgufWriter hostile_gguf(const std::string& architecture)
{
  llmhw::test::GgufWriter file = llmhw::test::tiny_llama_gguf(k_hostile_line, architecture);
  file.u32(k_hostile_short, 7);
  file.tensor(k_hostile_short, {256}, k_f32, 256 * 4);
  return file;
}

/// A copy of fixture machine `name` under `into`, symbolic links kept.
fs::path copy_machine(const std::string& name, const fs::path& into)
{
  const fs::path root = into / "root";
  fs::copy(std::string(LLM_HW_TEST_FIXTURES) + "/machines/" + name, root,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  return root;
}

} // namespace

TEST_CASE("the hazard check finds each kind of control character and allows llm-hw's own colours",
          "[cli][terminal]")
{
  CHECK(terminal_hazard("plain text\nµs · Ryzen™ 深度 🚀\n", false).empty());
  for (const std::string& bad : {std::string("\x1b[8m"), std::string("\a"), std::string("\r"), std::string("\b"),
                                 std::string("\t"), std::string(1, '\0'), std::string("\x7f"), std::string("\xc2\x9b"),
                                 std::string("\x9b"), std::string("\xe2\x80\xae"), std::string("\xe2\x81\xa6"),
                                 std::string("\xd8\x9c"), std::string("\xe2\x80\xa8"), std::string("\xff"),
                                 std::string("\xc0\xaf"), std::string("\xed\xa0\x80"), std::string("\xe2\x80")}) {
    CAPTURE(bad);
    CHECK_FALSE(terminal_hazard("a" + bad + "b", false).empty());
    CHECK_FALSE(terminal_hazard("a" + bad + "b", true).empty());
  }
  CHECK(terminal_hazard("\x1b[1mbold\x1b[0m \x1b[31mred\x1b[0m", true).empty());
  CHECK_FALSE(terminal_hazard("\x1b[1mbold\x1b[0m", false).empty());
  CHECK_FALSE(terminal_hazard("\x1b[8mhidden\x1b[0m", true).empty());
  CHECK_FALSE(terminal_hazard("\x1b]0;title\x07", true).empty());
}

TEST_CASE("a GGUF's name, metadata keys and tensor names reach the terminal as visible text", "[cli][terminal]")
{
  const TempDir dir;
  const std::string model = hostile_gguf("llama").write(dir.path() / "model.gguf");
  const std::string printed = check_terminal_safe({"advise", "--model", model, "--target", "l4"});
  CHECK_THAT(printed, Catch::Contains("hidden"));
  check_terminal_safe({"check", "--model", model, "--target", "l4", "--min-tok-s", "100000"});

  // The JSON keeps the name as the file has it.
  const nlohmann::json advice = json_of({"advise", "--model", model, "--target", "l4"});
  CHECK(advice["model"]["name"].get<std::string>().starts_with("\x1b[8mhidden\x1b]0;title\x07"
                                                                "bell\rreturn\bback\x7f"
                                                                "del\xc2\x9b"));

  // An architecture llm-hw does not know is named in the error.
  const std::string unknown = hostile_gguf(k_hostile).write(dir.path() / "unknown.gguf");
  const std::string error = check_terminal_safe({"advise", "--model", unknown, "--target", "l4"});
  CHECK_THAT(error, Catch::Contains("hidden"));

  // A key or a tensor name given twice is named in the error.
  const std::string key_twice = hostile_gguf("llama").u32(k_hostile_short, 8).write(dir.path() / "key.gguf");
  CHECK_THAT(check_terminal_safe({"advise", "--model", key_twice, "--target", "l4"}), Catch::Contains("hidden"));
  const std::string tensor_twice =
      hostile_gguf("llama").tensor(k_hostile_short, {256}, k_f32, 256 * 4).write(dir.path() / "tensor.gguf");
  CHECK_THAT(check_terminal_safe({"advise", "--model", tensor_twice, "--target", "l4"}), Catch::Contains("hidden"));
}

TEST_CASE("safetensors tensor names and config.json names reach the terminal as visible text", "[cli][terminal]")
{
  const TempDir dir;
  // A tensor named with the hostile value: header length, then the JSON header, then the data.
  const std::string header = std::string(R"({")") + k_hostile_json_literal +
                             R"(":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
  std::string file(8, '\0');
  for (std::size_t i = 0; i < 8; ++i) {
    file[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
  }
  file += header + std::string(16, '\0');
  write_text(dir.path() / "weights.safetensors", file);
  check_terminal_safe({"advise", "--model", (dir.path() / "weights.safetensors").string(), "--target", "l4"});

  // A model folder named with the hostile value, its config.json naming a hostile architecture and model type.
  const fs::path folder = dir.path() / k_hostile;
  write_text(folder / "config.json", R"({"architectures": [")" + k_hostile_json_literal + R"("], "model_type": ")" +
                                         k_hostile_json_literal + R"(", "_name_or_path": ")" +
                                         k_hostile_json_literal + R"("})");
  const std::string printed = check_terminal_safe({"advise", "--model", folder.string(), "--target", "l4"});
  CHECK_THAT(printed, Catch::Contains("hidden"));

  // The same folder with a usable Llama config: the folder's name is the model's name.
  write_text(folder / "config.json",
             R"({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096,
                 "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32,
                 "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 131072,
                 "torch_dtype": "bfloat16", "_name_or_path": ")" +
                 k_hostile_json_literal + R"("})");
  const std::string named = check_terminal_safe({"advise", "--model", folder.string(), "--target", "l4"});
  CHECK_THAT(named, Catch::Contains("hidden"));
}

TEST_CASE("another host's probe JSON: its hostname and device models reach the terminal as visible text",
          "[cli][terminal]")
{
  const TempDir dir;
  const std::string root = std::string(LLM_HW_TEST_FIXTURES) + "/machines/mi300x-2";
  const RunResult probed = run_llm_hw({"probe", "--json"}, {{"LLM_HW_ROOT", root}, {"LLM_HW_NO_NVML", "1"}});
  REQUIRE(probed.exit_code == 0);
  nlohmann::json inventory = nlohmann::json::parse(probed.out);
  inventory["host"]["hostname"] = k_hostile_decoded;
  inventory["host"]["os"] = k_hostile_decoded;
  for (nlohmann::json& device : inventory["devices"]) {
    device["model"] = k_hostile_decoded;
  }
  const std::string file = dir.write("host.json", inventory.dump());
  const std::string printed = check_terminal_safe({"advise", "--model", "llama-3.1-8b", "--hardware", file});
  CHECK_THAT(printed, Catch::Contains("hidden"));

  const nlohmann::json advice = json_of({"advise", "--model", "llama-3.1-8b", "--hardware", file});
  REQUIRE_FALSE(advice["candidates"].empty());
  CHECK(advice["candidates"][0]["host"] == k_hostile_decoded);
}

TEST_CASE("catalog model, target and workload names reach the terminal as visible text", "[cli][terminal]")
{
  const TempDir dir;
  const std::string h = k_hostile_json_literal;
  const std::string catalog = dir.write("team.json", R"({
    "systems": [{ "id": "evil-box", "name": ")" + h + R"(", "kind": "system", "device": "l40s", "count": 2,
                  "aliases": [")" + h + R"("], "source": ")" + h + R"(" }],
    "models": [{ "id": "evil-8b", "name": ")" + h + R"(", "hf_repo": ")" + h + R"(", "aliases": [")" + h +
                                             R"("], "family": "llama", "params": 8030261248,
                 "config": { "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
                             "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
                             "head_dim": 128, "vocab_size": 128256, "max_position_embeddings": 131072 },
                 "source": ")" + h + R"(" }],
    "workloads": [{ "id": "evil", "description": ")" + h + R"(", "prompt_tokens": 2000, "output_tokens": 400,
                    "concurrency": 4, "source": ")" + h + R"(" }]
  })");
  CHECK_THAT(check_terminal_safe({"models", "--catalog", catalog}), Catch::Contains("hidden"));
  CHECK_THAT(check_terminal_safe({"targets", "--catalog", catalog}), Catch::Contains("hidden"));
  CHECK_THAT(check_terminal_safe({"advise", "--catalog", catalog, "--model", "evil-8b", "--target", "evil-box",
                                  "--workload", "evil"}),
             Catch::Contains("hidden"));
  check_terminal_safe({"check", "--catalog", catalog, "--model", "evil-8b", "--target", "evil-box", "--max-ttft-ms",
                       "1"});
  // Through $LLM_HW_CATALOG_DIR as well.
  check_terminal_safe({"models"}, {{"LLM_HW_CATALOG_DIR", dir.path().string()}});

  // The JSON keeps the names as the catalog has them.
  const nlohmann::json models = json_of({"models", "--catalog", catalog});
  bool found = false;
  for (const nlohmann::json& model : models["models"]) {
    found = found || (model["id"] == "evil-8b" && model["name"] == k_hostile_decoded);
  }
  CHECK(found);

  // An id that breaks the rules is quoted in the error.
  const std::string bad_id = dir.write("bad-id.json", R"({"models": [{"id": ")" + h + R"(", "name": "x"}]})");
  CHECK_THAT(check_terminal_safe({"models", "--catalog", bad_id}), Catch::Contains("hidden"));
}

TEST_CASE("workload and requirements files: their names and values reach the terminal as visible text",
          "[cli][terminal]")
{
  const TempDir dir;
  // A workload file is named by its file name.
  const std::string workload = dir.write(k_hostile + ".json", R"({"prompt_tokens": 1000, "output_tokens": 200})");
  CHECK_THAT(check_terminal_safe({"advise", "--model", "llama-3.1-8b", "--target", "l4", "--workload", workload}),
             Catch::Contains("hidden"));

  const std::string h = k_hostile_json_literal;
  for (const std::string& requirements :
       {R"({"model": ")" + h + R"(", "targets": ["l4"]})", R"({"model": "llama-3.1-8b", "targets": [")" + h + R"("]})",
        R"({"model": "llama-3.1-8b", "targets": ["l4"], "workload": ")" + h + R"("})",
        R"({"model": "llama-3.1-8b", "targets": ["l4"], "framework": ")" + h + R"("})",
        R"({"model": "llama-3.1-8b", "targets": ["l4"], "quant": ")" + h + R"("})",
        R"({"model": "llama-3.1-8b", "targets": ["l4"], ")" + h + R"(": 1})"}) {
    CAPTURE(requirements);
    const std::string file = dir.write("requirements.json", requirements);
    CHECK_THAT(check_terminal_safe({"check", "--requirements", file}), Catch::Contains("hidden"));
  }
}

TEST_CASE("the machine's hostname, os-release, CPU model, PCI names and visibility variables reach the terminal "
          "as visible text",
          "[cli][terminal]")
{
  const TempDir dir;
  const fs::path root = copy_machine("mi300x-2", dir.path());
  write_text(root / "proc/sys/kernel/hostname", k_hostile_line + "\n");
  write_text(root / "proc/sys/kernel/osrelease", k_hostile_line + "\n");
  write_text(root / "etc/os-release", "NAME=x\nPRETTY_NAME=\"" + k_hostile_line + "\"\n");
  std::string cpuinfo = read_text(root / "proc/cpuinfo");
  for (std::size_t at = cpuinfo.find("model name"); at != std::string::npos; at = cpuinfo.find("model name", at + 1)) {
    const std::size_t colon = cpuinfo.find(':', at);
    cpuinfo.replace(colon + 2, cpuinfo.find('\n', colon) - colon - 2, k_hostile_line);
  }
  write_text(root / "proc/cpuinfo", cpuinfo);
  // A PCI function named with the hostile value, without a vendor file: the probe warns, naming it.
  fs::create_directories(root / "sys/bus/pci/devices" / k_hostile);

  const std::map<std::string, std::string> environment = {
      {"LLM_HW_ROOT", root.string()}, {"LLM_HW_NO_NVML", "1"}, {"ROCR_VISIBLE_DEVICES", "0," + k_hostile}};
  const std::string printed = check_terminal_safe({"probe"}, environment);
  CHECK_THAT(printed, Catch::Contains("hidden"));
  check_terminal_safe({"advise", "--model", "llama-3.1-8b"}, environment);
  check_terminal_safe({"check", "--model", "llama-3.1-8b", "--min-tok-s", "100000"}, environment);

  // The JSON keeps the hostname as the machine has it.
  const nlohmann::json probe = json_of({"probe"}, environment);
  CHECK(probe["host"]["hostname"].get<std::string>().starts_with("\x1b[8mhidden"));
}

TEST_CASE("NVML's GPU names and driver version, and CUDA_VISIBLE_DEVICES, reach the terminal as visible text",
          "[cli][terminal][nvml]")
{
  const TempDir dir;
  const std::string config = dir.write("nvml.conf", "driver = " + k_hostile +
                                                        "\n[gpu]\nname = " + k_hostile +
                                                        "\nuuid = GPU-" + k_hostile +
                                                        "\nbus_id = 00000000:18:00.0\npci_device_id = 0x12345678"
                                                        "\nmemory_total = 85899345920\nmemory_free = 85899345920\n");
  const std::map<std::string, std::string> environment = {
      {"LLM_HW_ROOT", std::string(LLM_HW_TEST_FIXTURES) + "/machines/this-vm"},
      {"LLM_HW_NVML_LIB", LLM_HW_FAKE_NVML},
      {"FAKE_NVML_CONFIG", config},
      {"CUDA_VISIBLE_DEVICES", "0," + k_hostile}};
  const std::string printed = check_terminal_safe({"probe"}, environment);
  CHECK_THAT(printed, Catch::Contains("hidden"));
  check_terminal_safe({"advise", "--model", "llama-3.1-8b"}, environment);
}

TEST_CASE("command-line values quoted in errors reach the terminal as visible text", "[cli][terminal]")
{
  const std::vector<std::vector<std::string>> runs = {
      {"advise", "--model", k_hostile},
      {"advise", "--target", k_hostile},
      {"advise", "--target", "3x" + k_hostile},
      {"advise", "--target", "l4", "--framework", k_hostile},
      {"advise", "--target", "l4", "--quant", k_hostile},
      {"advise", "--target", "l4", "--kv-quant", k_hostile},
      {"advise", "--target", "l4", "--workload", k_hostile},
      {"advise", "--target", "l4", "--concurrency", k_hostile},
      {"advise", "--hardware", k_hostile},
      {"advise", "--catalog", k_hostile},
      {"probe", "--topology", k_hostile},
      {"advise", "--" + k_hostile},
      {"advise", k_hostile},
      {k_hostile},
  };
  for (const std::vector<std::string>& run : runs) {
    const RunResult result = run_llm_hw(run);
    INFO(Catch::Detail::stringify(run) << " exited " << result.exit_code << ": " << result.err);
    CHECK(result.exit_code == 2);
    CHECK(terminal_hazard(result.out, false) == "");
    CHECK(terminal_hazard(result.err, false) == "");
    CHECK_THAT(result.err, Catch::Contains("hidden"));
  }
  check_terminal_safe({"advise", "--model", k_hostile});
}

TEST_CASE("an hwloc topology's CPU model reaches the terminal as visible text", "[cli][terminal]")
{
  const TempDir dir;
  std::string xml = read_text(std::string(LLM_HW_TEST_FIXTURES) + "/hwloc-xml/192em64t-24n8c2t.xml");
  const std::string key = "name=\"CPUModel\" value=\"";
  std::size_t replaced = 0;
  for (std::size_t at = xml.find(key); at != std::string::npos; at = xml.find(key, at + 1)) {
    const std::size_t start = at + key.size();
    xml.replace(start, xml.find('"', start) - start, k_hostile);
    ++replaced;
  }
  REQUIRE(replaced > 0);
  const std::string topology = dir.write("hostile.xml", xml);
  CHECK_THAT(check_terminal_safe({"probe", "--topology", topology}), Catch::Contains("hidden"));
  check_terminal_safe({"advise", "--topology", topology, "--model", "llama-3.1-8b"});
}
