package io.keyspace.notifications.autoconfigure;

import java.util.Optional;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.core.env.Environment;

/**
 * A Redis setup the starter cannot subscribe to yet: Sentinel, or master/replica. The
 * application still starts (Spring's own Redis support serves it), but without a
 * notifications bean; whatever needs one reports this problem and its fix.
 *
 * @param kind what the setup is, e.g. "Redis Sentinel"
 * @param property the property that selects it
 */
record UnsupportedRedisTopology(String kind, String property) {

	static final String FIX = "Point spring.data.redis.host and spring.data.redis.port at the primary, "
			+ "or set keyspace-notifications.enabled=false";

	private static final UnsupportedRedisTopology SENTINEL = new UnsupportedRedisTopology("Redis Sentinel",
			"spring.data.redis.sentinel.*");

	private static final UnsupportedRedisTopology MASTER_REPLICA = new UnsupportedRedisTopology(
			"A master/replica setup", "spring.data.redis.masterreplica.nodes");

	/** What {@code spring.data.redis.*} selects, read as Spring Boot binds it. */
	static Optional<UnsupportedRedisTopology> in(Environment environment) {
		return Binder.get(environment)
			.bind("spring.data.redis", DataRedisProperties.class)
			.map((redis) -> of(redis.getSentinel() != null, redis.getMasterreplica() != null))
			.orElse(Optional.empty());
	}

	/** What connection details from elsewhere, e.g. a service connection, describe. */
	static Optional<UnsupportedRedisTopology> in(DataRedisConnectionDetails details) {
		return of(details.getSentinel() != null, details.getMasterReplica() != null);
	}

	private static Optional<UnsupportedRedisTopology> of(boolean sentinel, boolean masterReplica) {
		if (sentinel) {
			return Optional.of(SENTINEL);
		}
		return masterReplica ? Optional.of(MASTER_REPLICA) : Optional.empty();
	}

	/** One sentence naming the setup and the property that selects it. */
	String problem() {
		return this.kind + " (" + this.property + ") is not supported by keyspace-notifications yet";
	}

}
