// Partners' signing secrets as the gateway knows them: read from the service that owns the
// partner's routes (the upstream of the route's area) through the internal RPC
// crm.api.v1.PartnerSecretService/GetPartnerSecret, called with the gateway's own service token
// (issuer crm/svc/gateway), and kept for a short while so that a partner's requests cost one read
// per `keep`, not one each. Requests for a partner whose secrets are being read wait for that one
// read instead of starting their own.
//
//   PartnerSecrets secrets(upstreams, &gateway_identity, clock);
//   secrets.Get("orders", "dhl", request_id, [](absl::StatusOr<PartnerSecrets::Secrets> s) {...});
//
// Thread-safe. Must outlive the reads it started (the gateway's: the process).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/upstream/upstreams.h"
#include "platform/base/clock.h"
#include "platform/rpc/service_tokens.h"

namespace crm::gateway {

struct PartnerSecretsOptions {
  // How long a partner's secrets are kept once read. Default 60 s.
  absl::Duration keep = absl::Seconds(60);
  // How long "no such partner" is kept. Default 5 s.
  absl::Duration keep_unknown = absl::Seconds(5);
  // Deadline of the read. Default 2 s.
  absl::Duration deadline = absl::Seconds(2);
  // Partners kept at most; past it, every entry not being read is dropped. Default 10000.
  size_t max_partners = 10000;
};

class PartnerSecrets {
 public:
  using Secrets = std::vector<std::string>;
  using Done = std::function<void(absl::StatusOr<Secrets>)>;

  // `identity`: the gateway's service tokens; nullptr sends none (the service then refuses).
  PartnerSecrets(Upstreams& upstreams, platform::ServiceTokens* identity,
                 const platform::Clock& clock, PartnerSecretsOptions options = {});

  // Calls `done` once, now (kept) or on a gRPC thread (read), with the partner's secrets (at
  // least one). Errors: NOT_FOUND when the service does not know the partner (or answers no
  // secret); UNAVAILABLE when they cannot be read (no upstream for `area`, the service down or
  // refusing the gateway: logged), which is not kept.
  void Get(const std::string& area, const std::string& partner_id, const std::string& request_id,
           Done done);

 private:
  struct Entry {
    absl::StatusOr<Secrets> secrets = absl::UnavailableError("not read yet");
    absl::Time expires = absl::InfinitePast();
    // Non-empty while a read is under way: whoever asked meanwhile.
    std::vector<Done> waiting;
  };

  void Read(const std::string& key, const std::string& area, const std::string& partner_id,
            const std::string& request_id);
  void Store(const std::string& key, absl::StatusOr<Secrets> secrets);

  Upstreams& upstreams_;
  platform::ServiceTokens* const identity_;
  const platform::Clock& clock_;
  const PartnerSecretsOptions options_;
  absl::Mutex mu_;
  // By "<area>\n<partner id>".
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace crm::gateway
