// The host line's hypervisor: named once, whether it comes from the CPUID signature or from DMI.
#include "probe/backends.hpp"

#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using llmhw::probe::detail::hypervisor_name;

TEST_CASE("a hypervisor's CPUID signature gives its name once", "[probe]")
{
  CHECK(hypervisor_name("KVMKVMKVM") == "KVM");
  CHECK(hypervisor_name("bhyve bhyve ") == "bhyve");
  CHECK(hypervisor_name("VBoxVBoxVBox") == "VirtualBox");
  // An unknown hypervisor that repeats its name to fill the 12 bytes: said once, without the padding.
  CHECK(hypervisor_name("abcd abcd ab") == "abcd abcd ab"); // not a clean repetition: kept as it is
  CHECK(hypervisor_name("newhv newhv ") == "newhv");
  CHECK(hypervisor_name(" OneName    ") == "OneName");
  CHECK_FALSE(hypervisor_name("").has_value());
  CHECK_FALSE(hypervisor_name("   ").has_value());
}

TEST_CASE("a bhyve guest's DMI names the hypervisor once", "[probe]")
{
  const llmhw::test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "sys/class/dmi/id");
  dir.write("sys/class/dmi/id/sys_vendor", "FreeBSD\n");
  dir.write("sys/class/dmi/id/product_name", "BHYVE\n");
  llmhw::probe::Environment environment;
  environment.root = dir.path().string();
  const llmhw::probe::Host host = llmhw::probe::detail::read_host(environment, true);
  CHECK(host.virtualized);
  CHECK(host.hypervisor == "bhyve");
}
