#include "gateway/stages/compose.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gateway/errors/reasons.h"

namespace crm::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::unique_ptr<Message> New(const google::protobuf::Descriptor& type) {
  return std::unique_ptr<Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type)->New());
}

// The field types reflection reads and writes alike: (cpp type, the accessors' suffix).
#define CRM_SCALAR_TYPES(X) \
  X(INT32, Int32)           \
  X(INT64, Int64)           \
  X(UINT32, UInt32)         \
  X(UINT64, UInt64)         \
  X(DOUBLE, Double)         \
  X(FLOAT, Float)           \
  X(BOOL, Bool)             \
  X(ENUM, EnumValue)        \
  X(STRING, String)

// Copies field `from` of `source` into field `to` of `target`: two fields of the same type
// (ReadComposition checked), of two messages that may differ.
void CopyField(const Message& source, const FieldDescriptor& from, Message* target,
               const FieldDescriptor& to) {
  const Reflection& in = *source.GetReflection();
  const Reflection& out = *target->GetReflection();
  out.ClearField(target, &to);
  if (!from.is_repeated()) {
    if (from.has_presence() && !in.HasField(source, &from)) return;
    switch (from.cpp_type()) {
#define CRM_SET(CPP, Type)                                   \
  case FieldDescriptor::CPPTYPE_##CPP:                       \
    out.Set##Type(target, &to, in.Get##Type(source, &from)); \
    return;
      CRM_SCALAR_TYPES(CRM_SET)
#undef CRM_SET
      case FieldDescriptor::CPPTYPE_MESSAGE:
        out.MutableMessage(target, &to)->CopyFrom(in.GetMessage(source, &from));
        return;
    }
  }
  for (int i = 0, n = in.FieldSize(source, &from); i < n; ++i) {
    switch (from.cpp_type()) {
#define CRM_ADD(CPP, Type)                                              \
  case FieldDescriptor::CPPTYPE_##CPP:                                  \
    out.Add##Type(target, &to, in.GetRepeated##Type(source, &from, i)); \
    break;
      CRM_SCALAR_TYPES(CRM_ADD)
#undef CRM_ADD
      case FieldDescriptor::CPPTYPE_MESSAGE:
        out.AddMessage(target, &to)->CopyFrom(in.GetRepeatedMessage(source, &from, i));
        break;
    }
  }
}
#undef CRM_SCALAR_TYPES

// The part's answer in its place in the route's answer.
void Place(const ComposedPart& part, const Message& answer, Message* composed) {
  if (part.into == nullptr) {
    composed->MergeFrom(answer);
  } else if (part.from == nullptr) {
    composed->GetReflection()->MutableMessage(composed, part.into)->CopyFrom(answer);
  } else {
    CopyField(answer, *part.from, composed, *part.into);
  }
}

Reply Missing(absl::string_view why) {
  Reply reply;
  reply.error = GatewayError(503, grpc::StatusCode::UNAVAILABLE, kReasonServiceUnavailable, why);
  return reply;
}

// The calls of one composed request, and their replies as they come.
class Fanout : public std::enable_shared_from_this<Fanout> {
 public:
  Fanout(Upstreams& upstreams, platform::Metrics& metrics, const Route& route,
         std::function<void(Reply)> done)
      : upstreams_(upstreams),
        metrics_(metrics),
        route_(route),
        done_(std::move(done)),
        replies_(route.parts.size()) {}

  void Start(const Message& request, absl::Duration deadline,
             const platform::CallMetadata& metadata) {
    std::vector<size_t> calls;
    for (size_t i = 0; i < route_.parts.size(); ++i) {
      const ComposedPart& part = route_.parts[i];
      if (part.method == nullptr) {
        replies_[i] = Missing("no service answers this part yet");
      } else if (!upstreams_.Has(part.area)) {
        replies_[i] = Missing(absl::StrCat("no upstream for ", part.area));
      } else {
        calls.push_back(i);
      }
      if (part.required && replies_[i]) return done_(*std::move(replies_[i]));
    }
    {
      absl::MutexLock lock(&mu_);
      pending_ = calls.size();
    }
    if (calls.empty()) return Assemble();
    for (size_t i : calls) {
      const ComposedPart& part = route_.parts[i];
      std::unique_ptr<Message> part_request = New(*part.method->input_type());
      for (const auto& [to, from] : part.request)
        CopyField(request, *from, part_request.get(), *to);
      absl::Duration timeout =
          part.timeout > absl::ZeroDuration() ? std::min(part.timeout, deadline) : deadline;
      upstreams_.Call(part.area, part.grpc_method, part_request->SerializeAsString(), timeout,
                      metadata, [self = shared_from_this(), i](platform::RawReply raw) {
                        self->OnReply(i, std::move(raw));
                      });
    }
  }

 private:
  // The answer waits for every part, even after a required one failed: no call outlives its
  // request, so a gateway that stops once its requests are answered leaves none behind.
  void OnReply(size_t i, platform::RawReply raw) {
    const ComposedPart& part = route_.parts[i];
    Reply reply = ReadReply(std::move(raw), *part.method->output_type(), part.area, metrics_);
    {
      absl::MutexLock lock(&mu_);
      replies_[i] = std::move(reply);
      if (--pending_ > 0) return;
    }
    Assemble();
  }

  // Every reply is in (no lock needed: nothing else touches them any more).
  void Assemble() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    for (size_t i = 0; i < route_.parts.size(); ++i) {
      if (route_.parts[i].required && replies_[i]->error) return done_(*std::move(replies_[i]));
    }
    std::unique_ptr<Message> composed = New(*route_.method->output_type());
    std::vector<std::string> missing;
    for (size_t i = 0; i < route_.parts.size(); ++i) {
      const ComposedPart& part = route_.parts[i];
      if (replies_[i]->error) {
        missing.push_back(part.name);
        metrics_
            .AddCounter("crm_gateway_degraded_parts_total",
                        "Parts left out of composed answers, by route and part",
                        {{"route", absl::StrCat(route_.http_method, " ", route_.path.text())},
                         {"part", part.name}})
            .Increment();
      } else {
        Place(part, *replies_[i]->message, composed.get());
      }
    }
    if (route_.degraded != nullptr) {
      const Reflection& reflection = *composed->GetReflection();
      reflection.ClearField(composed.get(), route_.degraded);
      for (const std::string& name : missing) {
        reflection.AddString(composed.get(), route_.degraded, name);
      }
    }
    done_({.message = std::move(composed), .upstream_status = "OK"});
  }

  Upstreams& upstreams_;
  platform::Metrics& metrics_;
  const Route& route_;
  const std::function<void(Reply)> done_;
  // By part; set before Start calls anything, or by OnReply under mu_.
  std::vector<std::optional<Reply>> replies_;
  absl::Mutex mu_;
  size_t pending_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

void Compose(Upstreams& upstreams, platform::Metrics& metrics, const Route& route,
             const Message& request, absl::Duration deadline,
             const platform::CallMetadata& metadata, std::function<void(Reply)> done) {
  std::make_shared<Fanout>(upstreams, metrics, route, std::move(done))
      ->Start(request, deadline, metadata);
}

}  // namespace crm::gateway
