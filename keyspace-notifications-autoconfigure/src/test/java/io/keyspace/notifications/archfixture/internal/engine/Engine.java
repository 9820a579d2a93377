package io.keyspace.notifications.archfixture.internal.engine;

import io.keyspace.notifications.archfixture.Value;
import io.keyspace.notifications.archfixture.channel.Channel;

/** The engine: uses API value types only. */
public final class Engine {

	public Value next() {
		return new Value(new Channel("c"));
	}

}
