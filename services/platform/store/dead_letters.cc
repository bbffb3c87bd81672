#include "platform/store/dead_letters.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "platform/base/keys.h"

namespace crm::platform {

absl::Status AddDeadLetter(Txn& txn, const Store& store,
                           const platform::store::v1::DeadLetter& letter) {
  std::string key = absl::StrCat(
      BigEndian64(google::protobuf::util::TimeUtil::TimestampToMicroseconds(letter.failed_at())),
      letter.topic(), "/", BigEndian64(static_cast<uint64_t>(letter.partition())),
      BigEndian64(static_cast<uint64_t>(letter.offset())));
  return txn.Put(store.cf(kDeadLettersCf), key, letter.SerializeAsString());
}

absl::StatusOr<std::vector<DeadLetterEntry>> ListDeadLetters(const Store& store, int limit,
                                                             absl::string_view after) {
  std::vector<DeadLetterEntry> entries;
  if (limit <= 0) return entries;
  absl::Status scanned = store.Scan(
      store.cf(kDeadLettersCf), "", after, [&](absl::string_view key, absl::string_view value) {
        if (key == after) return true;  // pages start after it
        DeadLetterEntry entry{std::string(key), {}};
        entry.letter.ParseFromArray(value.data(), static_cast<int>(value.size()));
        entries.push_back(std::move(entry));
        return static_cast<int>(entries.size()) < limit;
      });
  if (!scanned.ok()) return scanned;
  return entries;
}

}  // namespace crm::platform
