package io.keyspace.notifications.archfixture;

import io.keyspace.notifications.archfixture.channel.Channel;

/** An API value type; with {@link Channel} it forms a package cycle inside the API, as the real API does. */
public record Value(Channel channel) {
}
