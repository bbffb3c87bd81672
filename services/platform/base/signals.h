// Signals handled the simple way: blocked in every thread (call BlockTerminationSignals or
// BlockSignals first thing in main, before any thread exists, so all threads inherit the mask),
// then awaited synchronously by the main thread.
//
//   BlockSignals({SIGTERM, SIGINT, SIGUSR1});
//   ...start threads...
//   while (AwaitSignal({SIGTERM, SIGINT, SIGUSR1}) == SIGUSR1) { ... }
#pragma once

#include <vector>

namespace crm::platform {

// Blocks SIGTERM and SIGINT in the calling thread and every thread it creates afterwards.
void BlockTerminationSignals();
// Waits for SIGTERM or SIGINT; answers the signal number.
int AwaitTerminationSignal();

// Blocks `signals` in the calling thread and every thread it creates afterwards.
void BlockSignals(const std::vector<int>& signals);
// Waits for one of `signals` (blocked before); answers its number (0 if `signals` is invalid).
int AwaitSignal(const std::vector<int>& signals);

}  // namespace crm::platform
