// Termination signals handled the simple way: blocked in every thread (call BlockTermination
// first thing in main, before any thread exists, so all threads inherit the mask), then awaited
// synchronously by the main thread.
#pragma once

namespace crm::platform {

// Blocks SIGTERM and SIGINT in the calling thread and every thread it creates afterwards.
void BlockTerminationSignals();
// Waits for SIGTERM or SIGINT; answers the signal number.
int AwaitTerminationSignal();

}  // namespace crm::platform
