package io.keyspace.notifications.reader;

/** Hears about connection loss and recovery, e.g. to refresh a cluster's topology. */
public interface ConnectionListener {

	ConnectionListener NONE = new ConnectionListener() {
	};

	default void onConnectionLost(RedisNode node, Exception cause) {
	}

	default void onConnected(RedisNode node, boolean reconnect) {
	}

}
