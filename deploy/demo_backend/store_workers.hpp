#pragma once
// The demo's NATS store workers, for apps configured with
// persist.<kind>.via "request" (docs/nats.md): each answers the gateway's
// gw.in envelope {id, app, kind, room, user, conn, gateway, received_at, data}
// on <prefix>.store.<app>.<kind>, in queue group demo-store, by storing it
// through the same logic as the REST endpoint, as the envelope's user, and
// leaving the room's event to the gateway (which fans the answer out).
// Refusals carry the HTTP status the endpoint would answer.
#include <string>

namespace demo {

class NatsPublisher;
class WinkrApi;
class CirclesApi;
class SocialApi;

// Subscribes the workers: winkr {message, read, delete}, circles {message,
// read}, social {private, group}. The apis must outlive `nats`'s subscriptions.
void serve_store_workers(NatsPublisher& nats, const std::string& subject_prefix, WinkrApi& winkr,
                         CirclesApi& circles, SocialApi& social);

}  // namespace demo
