// crm-mailbox: what the mailer would send, for local development. Reads crm.notifications.v1
// from the beginning, opens each sealed message with the mailer's key pair, and prints one JSON
// line per message: a password reset with its token, an order confirmation, a parcel on its
// way. `./crm mailbox` runs it against the local broker and keys.
//
//   crm-mailbox <bootstrap> <mailer.pub file> <mailer.key file>
//
// Exit code 0 when the topic was read to its end.
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <string>

#include "crm/events/v1/notifications.pb.h"
#include "platform/auth/sealed_box.h"
#include "platform/events/topic_reader.h"
#include "platform/events/topics.h"
#include "platform/runtime/runtime.h"

using namespace crm;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: crm-mailbox <bootstrap> <mailer.pub file> <mailer.key file>\n");
    return 2;
  }
  auto public_key = platform::ReadFile(argv[2]);
  auto secret_key = platform::ReadFile(argv[3]);
  if (!public_key.ok() || !secret_key.ok()) {
    std::fprintf(stderr, "crm-mailbox: cannot read the mailer's keys\n");
    return 1;
  }
  auto keys = platform::SealedBoxKeys::FromBase64(*public_key, *secret_key);
  if (!keys.ok()) {
    std::fprintf(stderr, "crm-mailbox: %s\n", std::string(keys.status().message()).c_str());
    return 1;
  }
  auto events = platform::ReadTopic(
      argv[1], platform::TopicOf<events::v1::PasswordResetRequested>(), absl::Seconds(15));
  if (!events.ok()) {
    std::fprintf(stderr, "crm-mailbox: %s\n", std::string(events.status().message()).c_str());
    return 1;
  }
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  for (const events::v1::EventEnvelope& envelope : *events) {
    // Order messages hold nothing secret: printed as they are.
    events::v1::OrderConfirmation confirmation;
    events::v1::ParcelOnItsWay on_its_way;
    for (auto [type, message] :
         {std::pair<const char*, google::protobuf::Message*>{"orderConfirmation", &confirmation},
          {"parcelOnItsWay", &on_its_way}}) {
      if (!envelope.payload().UnpackTo(message)) continue;
      std::string json;
      (void)google::protobuf::util::MessageToJsonString(*message, &json, options);
      std::printf("{\"type\":\"%s\",\"customerId\":\"%s\",\"message\":%s}\n", type,
                  envelope.subject().c_str(), json.c_str());
    }
    events::v1::PasswordResetRequested event;
    if (!envelope.payload().UnpackTo(&event)) continue;
    auto plain = keys->Open(event.sealed_message());
    events::v1::PasswordResetMessage message;
    if (!plain.ok() || !message.ParseFromString(*plain)) {
      std::fprintf(stderr, "crm-mailbox: event %s cannot be opened with these keys\n",
                   envelope.id().c_str());
      continue;
    }
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(message, &json, options);
    std::printf("{\"type\":\"passwordReset\",\"customerId\":\"%s\",\"message\":%s}\n",
                event.customer_id().c_str(), json.c_str());
  }
  return 0;
}
