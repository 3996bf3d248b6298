#pragma once
// The sender fields of a stored message's event (session_sender.cpp).
#include "adapters/adapter.hpp"

namespace gangway {

// Adds the sender fields `event` lacks where `adapter`'s dialect shows them
// (Adapter::sender_field), from `profile` ({"id","name","username",
// "avatar_url"}); `overwrite`: replaces the sender there (the dialect built
// it from the principal alone, which the profile knows better). Nothing if
// the dialect shows no sender for this event. Pure: any thread (a store's
// answer is handled on the thread that brings it).
void fill_sender(const Adapter& adapter, Event& event, const Json& profile, bool overwrite = false);

}  // namespace gangway
