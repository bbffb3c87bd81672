// Reading the dead-letter column family, where EventConsumer sets aside events that failed
// repeatedly. Keys sort by failure time, then topic, partition and offset.
//
//   AddDeadLetter(txn, store, letter);                 // in the transaction that gives up
//   auto page = ListDeadLetters(store, 50, /*after=*/"");
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "platform/store/records.pb.h"
#include "platform/store/store.h"

namespace crm::platform {

struct DeadLetterEntry {
  std::string key;
  platform::store::v1::DeadLetter letter;
};

// Adds `letter` to `txn`, keyed by its failure time, topic, partition and offset. Events the
// outbox could never publish use partition -1 and their outbox sequence as offset.
absl::Status AddDeadLetter(Txn& txn, const Store& store,
                           const platform::store::v1::DeadLetter& letter);

// At most `limit` dead letters with keys after `after` ("" from the first), in key order.
// Errors: those of Store::Scan.
absl::StatusOr<std::vector<DeadLetterEntry>> ListDeadLetters(const Store& store, int limit,
                                                             absl::string_view after);

}  // namespace crm::platform
