package io.keyspace.notifications.archfixture.channel;

import io.keyspace.notifications.archfixture.Value;

/** The API's channel package. */
public record Channel(String name) {

	public Value value() {
		return new Value(this);
	}

}
