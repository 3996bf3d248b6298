#pragma once
// The process's open-file limit and descriptor table, set up before the
// first client connects.
#include <cstddef>

namespace gangway {

// Raises the soft limit on open files to the hard limit (as Go programs,
// nats-server among them, do at start) and grows the kernel's descriptor
// table to hold that many descriptors now, up to `most`. Returns the soft
// limit in force. `most` = 0 only raises the limit.
//
// Why grow it now: the kernel doubles the table as descriptors are opened,
// and each doubling waits for an RCU grace period (10–20 ms measured here)
// while the table is locked, so every accept on every loop stops with it.
// A storm of 5,000 upgrades met about eight such stalls; at start-up the
// wait happens once, before anyone is waiting. The table costs 8 bytes of
// kernel memory per slot (160 KiB for 20,000) and no user-space memory.
std::size_t prepare_open_files(std::size_t most = std::size_t{1} << 20);

}  // namespace gangway
