#include "platform/base/partitioning.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "platform/base/ids.h"

namespace crm::platform {
namespace {

// FNV-1a test vectors from the algorithm's reference (Fowler/Noll/Vo, 32-bit):
//   ""       -> 0x811c9dc5
//   "a"      -> 0xe40c292c
//   "foobar" -> 0xbf9cf968
TEST_CASE("PartitionOf is FNV-1a 32-bit modulo the partition count", "[partitioning]") {
  CHECK(PartitionOf("", 1000) == static_cast<int>(0x811c9dc5u % 1000));  // 261
  CHECK(PartitionOf("a", 1000) == 220);                                  // 0xe40c292c = 3826002220
  CHECK(PartitionOf("foobar", 1000) == 720);                             // 0xbf9cf968 = 3214735720
  CHECK(PartitionOf("foobar", 6) == static_cast<int>(3214735720u % 6));
  // The largest partition count still sees the whole hash.
  CHECK(PartitionOf("a", 2147483647) == static_cast<int>(3826002220u % 2147483647u));
}

TEST_CASE("PartitionOf looks at every byte of the key", "[partitioning]") {
  // Bytes past the ASCII range count as unsigned, as in the reference.
  CHECK(PartitionOf("c_1", 1 << 30) != PartitionOf("c_2", 1 << 30));
  CHECK(PartitionOf("\xff", 1 << 30) != PartitionOf("\x7f", 1 << 30));
}

TEST_CASE("PartitionOf stays within zero to n minus one", "[partitioning]") {
  for (int n : {1, 2, 3, 6, 7, 64, 1000}) {
    for (int i = 0; i < 2000; ++i) {
      int p = PartitionOf(absl::StrCat("customer-", i, "-", n), n);
      REQUIRE(p >= 0);
      REQUIRE(p < n);
    }
  }
  CHECK(PartitionOf("anything", 1) == 0);
}

TEST_CASE("PartitionOf spreads customer ids about evenly", "[partitioning]") {
  constexpr int kPartitions = 6;
  constexpr int kKeys = 60000;
  std::vector<int> counts(kPartitions, 0);
  for (int i = 0; i < kKeys; ++i) ++counts[PartitionOf(absl::StrCat("c_", i), kPartitions)];
  for (int p = 0; p < kPartitions; ++p) {
    INFO("partition " << p << " holds " << counts[p]);
    CHECK(counts[p] > kKeys / kPartitions * 9 / 10);
    CHECK(counts[p] < kKeys / kPartitions * 11 / 10);
  }
}

TEST_CASE("A partitioned id carries its customer's key partition", "[partitioning]") {
  std::string id = NewPartitionedId("o", "c_7k3q9x2m4n8p5r6t1v0w");
  int partition = KeyPartitionOf("c_7k3q9x2m4n8p5r6t1v0w");
  CHECK(id.size() == 1 + 2 + 1 + 20);
  CHECK(id.substr(0, 4) == absl::StrFormat("o%02d_", partition));
  CHECK(PartitionOfId("o", id) == partition);
  CHECK(PartitionKeyPrefix(7) == "07/");
  // Another kind's prefix, a plain id, a cut or altered one: no partition.
  CHECK(PartitionOfId("s", id) == std::nullopt);
  CHECK(PartitionOfId("o", NewId("o")) == std::nullopt);
  CHECK(PartitionOfId("o", id.substr(0, id.size() - 1)) == std::nullopt);
  CHECK(PartitionOfId("o", "o64_0123456789abcdefghjk") == std::nullopt);  // past the last
  CHECK(PartitionOfId("o", "o63_0123456789abcdefghjk") == 63);
  CHECK(PartitionOfId("o", "o63_0123456789abcdefghjK") == std::nullopt);  // not the alphabet
  CHECK(PartitionOfId("o", "o6x_0123456789abcdefghjk") == std::nullopt);
}

}  // namespace
}  // namespace crm::platform
