// Answers a unary callback RPC whose work is bounded (a few reads, one synced commit) on the
// gRPC thread that received it:
//
//   grpc::ServerUnaryReactor* GetAddress(grpc::CallbackServerContext* context, ...) override {
//     return platform::AnswerInline(context, [&] { return Get(*context, *request, response); });
//   }
//
// Expensive work (argon2id) goes to the worker pool instead (pooled_write.h).
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include "platform/rpc/grpc_status.h"

namespace crm::platform {

template <typename Work>
grpc::ServerUnaryReactor* AnswerInline(grpc::CallbackServerContext* context, Work&& work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(work()));
  return reactor;
}

}  // namespace crm::platform
