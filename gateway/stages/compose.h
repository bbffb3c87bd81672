// The call stage of a composed route (the (crm.api.v1.compose) option; routing/composition.h):
// every part called at once, with the caller's metadata and its own deadline (the part's
// timeout, at most the route's), each part's request filled from the route's request; then the
// route's answer put together from the parts' answers in their declared order.
//
// The answer waits for every part (each bounded by its deadline), so that no call outlives its
// request. A required part's error is the answer (the first in declared order). Every other
// part that fails (any error, an unreadable answer), misses its deadline, has no upstream at
// this gateway or names no method yet is left out and named in the answer's degraded field,
// which the gateway fills alone (whatever the parts' answers put there is dropped), and counted
// in crm_gateway_degraded_parts_total{route,part}.
//
//   Compose(upstreams, metrics, route, request, deadline, metadata, [](Reply reply) { ... });
//
// Thread-safe.
#pragma once

#include <functional>

#include "absl/time/time.h"
#include "gateway/routing/route_table.h"
#include "gateway/stages/call.h"
#include "gateway/upstream/upstreams.h"
#include "google/protobuf/message.h"
#include "platform/base/metrics.h"
#include "platform/rpc/generic_call.h"

namespace crm::gateway {

// Calls `done` once, on a gRPC thread (or now, when no part is called). `upstreams` and
// `metrics` must outlive the calls.
void Compose(Upstreams& upstreams, platform::Metrics& metrics, const Route& route,
             const google::protobuf::Message& request, absl::Duration deadline,
             const platform::CallMetadata& metadata, std::function<void(Reply)> done);

}  // namespace crm::gateway
