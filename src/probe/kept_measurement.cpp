// A measured memory bandwidth kept for later runs, in $XDG_CACHE_HOME/llm-hw/bandwidth.json
// (~/.cache/llm-hw without it): measuring costs up to 2 s and a few hundred MiB, and the
// figure changes only with the hardware. Each entry is keyed by what would change it (CPU
// model, the CPUs measured on, memory size) and dated; it is trusted for k_max_age_days.
//
// The file is input like any other: a regular file only, bounded in size, every field
// type- and bounds-checked. A file that fails is ignored with a warning and rewritten.
#include "backends.hpp"
#include "plausible.hpp"

#include "llmhw/util/json_fields.hpp"
#include "llmhw/util/units.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace llmhw::probe::detail {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_schema = "llm-hw/bandwidth-cache/v1";
/// A month: long enough to spare repeated runs the measurement, short enough that a
/// measurement taken on a busy day does not stand for good.
constexpr int k_max_age_days = 30;
/// Entries kept (one per machine shape sharing the home folder); the newest stay.
constexpr std::size_t k_max_entries = 16;
/// 16 entries are below 4 KiB; anything much larger is not llm-hw's.
constexpr util::JsonBounds k_bounds{64 * 1024, 2'000};
/// The lowest bandwidth kept or read back: no machine llm-hw can serve a model on moves less.
constexpr double k_min_kept_bandwidth_bytes_s = 1e8;

/// The day as days since 1970-01-01, from "YYYY-MM-DD"; nothing when malformed.
std::optional<int> day_number(const std::string& date)
{
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  char end = 0;
  if (date.size() != 10 || std::sscanf(date.c_str(), "%4d-%2u-%2u%c", &year, &month, &day, &end) != 3) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

struct Entry {
  BandwidthKey key;
  double bytes_s = 0;
  std::string date;
};

nlohmann::json to_json(const Entry& entry)
{
  return {{"cpu_model", entry.key.cpu_model},
          {"cpus", entry.key.cpus},
          {"memory_gib", entry.key.memory_gib},
          {"memory_bandwidth_bytes_s", entry.bytes_s},
          {"measured_on", entry.date}};
}

/// The file's entries; a missing file is none, a bad one none with a warning.
std::vector<Entry> read_entries(const std::string& path, std::vector<std::string>& warnings)
{
  std::error_code error;
  if (!fs::exists(fs::symlink_status(path, error))) {
    return {};
  }
  const auto json = util::read_json_file(path, k_bounds);
  auto root = json ? util::root_object(*json, path) : Result<util::JsonObject>(json.error());
  if (!root) {
    warnings.push_back(fmt::format("kept measurement ignored: {}", root.error().message()));
    return {};
  }
  std::vector<Entry> entries;
  try {
    root->reject_unknown_keys({"schema", "measurements"});
    if (root->string("schema") != k_schema) {
      root->fail("schema", fmt::format("expected \"{}\"", k_schema));
    }
    const std::vector<util::JsonObject> objects = root->objects("measurements");
    if (objects.size() > k_max_entries) {
      root->fail("measurements", fmt::format("more than {} measurements", k_max_entries));
    }
    for (const util::JsonObject& object : objects) {
      object.reject_unknown_keys({"cpu_model", "cpus", "memory_gib", "memory_bandwidth_bytes_s", "measured_on"});
      Entry entry;
      entry.key.cpu_model = object.string("cpu_model").substr(0, 256);
      entry.key.cpus = static_cast<unsigned>(object.count("cpus", plausible::k_max_threads));
      entry.key.memory_gib = object.count("memory_gib", plausible::k_max_host_memory_bytes / units::GiB);
      entry.bytes_s = object.number("memory_bandwidth_bytes_s");
      if (!(entry.bytes_s >= k_min_kept_bandwidth_bytes_s && entry.bytes_s <= plausible::k_max_bandwidth_bytes_s)) {
        object.fail("memory_bandwidth_bytes_s", fmt::format("expected {:g} to {:g} bytes/s",
                                                            k_min_kept_bandwidth_bytes_s,
                                                            plausible::k_max_bandwidth_bytes_s));
      }
      entry.date = object.string("measured_on");
      if (!day_number(entry.date)) {
        object.fail("measured_on", "expected a date YYYY-MM-DD");
      }
      entries.push_back(std::move(entry));
    }
  } catch (const InputError& failure) {
    warnings.push_back(fmt::format("kept measurement ignored: {}", failure.error.message()));
    return {};
  }
  return entries;
}

} // namespace

std::optional<std::string> measurement_cache_file(const std::map<std::string, std::string>& variables)
{
  const auto set = [&](const char* name) -> std::optional<std::string> {
    const auto found = variables.find(name);
    return found != variables.end() && !found->second.empty() ? std::optional(found->second) : std::nullopt;
  };
  // The XDG base directory specification: a relative XDG_CACHE_HOME is invalid and ignored.
  if (const auto cache = set("XDG_CACHE_HOME"); cache && cache->starts_with('/')) {
    return *cache + "/llm-hw/bandwidth.json";
  }
  if (const auto home = set("HOME"); home && home->starts_with('/')) {
    return *home + "/.cache/llm-hw/bandwidth.json";
  }
  return std::nullopt;
}

std::string today()
{
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                     static_cast<unsigned>(day.day()));
}

std::optional<KeptBandwidth> read_kept_bandwidth(const std::string& path, const BandwidthKey& key,
                                                 const std::string& on_day, std::vector<std::string>& warnings)
{
  const std::optional<int> now = day_number(on_day);
  for (const Entry& entry : read_entries(path, warnings)) {
    const int age = now.value_or(0) - day_number(entry.date).value_or(0);
    if (entry.key == key && now && age >= 0 && age <= k_max_age_days) {
      return KeptBandwidth{entry.bytes_s, entry.date};
    }
  }
  return std::nullopt;
}

void keep_bandwidth(const std::string& path, const BandwidthKey& key, double bytes_s, const std::string& on_day,
                    std::vector<std::string>& warnings)
{
  if (!(bytes_s >= k_min_kept_bandwidth_bytes_s && bytes_s <= plausible::k_max_bandwidth_bytes_s)) {
    return;
  }
  std::vector<std::string> ignored; // a bad file was warned about when it was read
  std::vector<Entry> entries = read_entries(path, ignored);
  std::erase_if(entries, [&](const Entry& entry) { return entry.key == key; });
  entries.insert(entries.begin(), Entry{key, bytes_s, on_day});
  entries.resize(std::min(entries.size(), k_max_entries));
  nlohmann::json list = nlohmann::json::array();
  for (const Entry& entry : entries) {
    list.push_back(to_json(entry));
  }
  const nlohmann::json document{{"schema", k_schema}, {"measurements", list}};
  // Written beside and renamed over, so a reader never sees half a file.
  std::error_code error;
  fs::create_directories(fs::path(path).parent_path(), error);
  const std::string temporary = fmt::format("{}.{}.tmp", path, getpid());
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << document.dump(2) << '\n';
    if (!out.flush()) {
      error = std::make_error_code(std::errc::io_error);
    }
  }
  if (!error) {
    fs::rename(temporary, path, error);
  }
  if (error) {
    fs::remove(temporary, error);
    warnings.push_back(fmt::format("{}: cannot keep the measurement for later runs", path));
  }
}

} // namespace llmhw::probe::detail
