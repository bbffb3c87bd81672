#include "platform/runtime/dead_letter_service.h"

#include <limits>

#include "absl/strings/escaping.h"
#include "crm/events/v1/envelope.pb.h"
#include "platform/base/errors.h"
#include "platform/rpc/grpc_status.h"

namespace crm::platform {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

void Summarize(const DeadLetterEntry& entry, platform::v1::DeadLetterSummary* out) {
  const platform::store::v1::DeadLetter& letter = entry.letter;
  out->set_topic(letter.topic());
  out->set_partition(letter.partition());
  out->set_offset(letter.offset());
  events::v1::EventEnvelope envelope;
  if (envelope.ParseFromString(letter.value())) {
    out->set_event_id(envelope.id());
    out->set_event_type(envelope.type());
  }
  out->set_error(letter.error());
  out->set_attempts(letter.attempts());
  *out->mutable_failed_at() = letter.failed_at();
}

}  // namespace

DeadLetterService::DeadLetterService(const Store& store, std::vector<EventConsumer*> consumers,
                                     const Rpc& rpc)
    : store_(store), consumers_(std::move(consumers)), rpc_(rpc) {}

absl::Status DeadLetterService::List(const platform::v1::ListDeadLettersRequest& request,
                                     platform::v1::ListDeadLettersResponse* response) const {
  std::vector<FieldViolation> violations;
  if (request.page_size() < 0) violations.push_back({"pageSize", "must not be negative"});
  std::string after;
  if (!request.page_token().empty() && !absl::WebSafeBase64Unescape(request.page_token(), &after)) {
    violations.push_back({"pageToken", "is not a token this service gave"});
  }
  if (absl::Status s = InvalidFields(violations); !s.ok()) return s;
  int page_size =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);

  // One more than the page tells whether another page follows.
  auto entries = platform::ListDeadLetters(store_, page_size + 1, after);
  if (!entries.ok()) return entries.status();
  bool more = static_cast<int>(entries->size()) > page_size;
  if (more) entries->pop_back();
  for (const auto& entry : *entries) Summarize(entry, response->add_dead_letters());
  if (more) response->set_next_page_token(absl::WebSafeBase64Escape(entries->back().key));
  return absl::OkStatus();
}

absl::Status DeadLetterService::Replay(platform::v1::ReplayDeadLettersResponse* response) {
  int replayed = 0;
  for (EventConsumer* consumer : consumers_) {
    auto n = consumer->ReplayDeadLetters();
    if (!n.ok()) return n.status();
    replayed += *n;
  }
  auto left = platform::ListDeadLetters(store_, std::numeric_limits<int>::max(), "");
  if (!left.ok()) return left.status();
  response->set_replayed(replayed);
  response->set_remaining(static_cast<int>(left->size()));
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* DeadLetterService::ListDeadLetters(
    grpc::CallbackServerContext* context, const platform::v1::ListDeadLettersRequest* request,
    platform::v1::ListDeadLettersResponse* response) {
  return rpc_.Read(context, *request,
                   [&](const RequestContext&) { return List(*request, response); });
}

grpc::ServerUnaryReactor* DeadLetterService::ReplayDeadLetters(
    grpc::CallbackServerContext* context, const platform::v1::ReplayDeadLettersRequest* request,
    platform::v1::ReplayDeadLettersResponse* response) {
  // The consumer applies each letter in its own transaction: no transaction here.
  return rpc_.Read(context, *request, [&](const RequestContext&) { return Replay(response); });
}

}  // namespace crm::platform
