package io.keyspace.notifications.autoconfigure;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * The kind of Redis setup that the application's connection details describe. Picked in
 * Spring Boot's own order (its {@code DataRedisConnectionConfiguration}: Sentinel, then
 * cluster, then master/replica, then standalone), so that notifications come from the setup
 * the application's {@code RedisTemplate} writes to, whatever else is set too.
 */
enum RedisSetup {

	SENTINEL("spring.data.redis.sentinel.*"),

	CLUSTER("spring.data.redis.cluster.nodes"),

	MASTER_REPLICA("spring.data.redis.masterreplica.nodes"),

	STANDALONE("spring.data.redis.host/port/url");

	private final String properties;

	RedisSetup(String properties) {
		this.properties = properties;
	}

	static RedisSetup of(DataRedisConnectionDetails details) {
		if (details.getSentinel() != null) {
			return SENTINEL;
		}
		if (details.getCluster() != null) {
			return CLUSTER;
		}
		if (details.getMasterReplica() != null) {
			return MASTER_REPLICA;
		}
		if (details.getStandalone() != null) {
			return STANDALONE;
		}
		throw new IllegalStateException("The Redis connection details bean (" + details.getClass().getName()
				+ ") describes no Redis: none of getSentinel(), getCluster(), getMasterReplica() and getStandalone() "
				+ "has a value. Set spring.data.redis.host and spring.data.redis.port, or fix that bean");
	}

	/**
	 * The application's database, as Spring Boot connects to it: a cluster has only database
	 * 0, and Spring Boot connects a master/replica setup to database 0 whatever
	 * {@code spring.data.redis.database} says (its connection details have no database).
	 */
	int database(DataRedisConnectionDetails details) {
		return switch (this) {
			case SENTINEL -> details.getSentinel().getDatabase();
			case CLUSTER, MASTER_REPLICA -> 0;
			case STANDALONE -> details.getStandalone().getDatabase();
		};
	}

	/** The properties that select this setup, for messages. */
	String properties() {
		return this.properties;
	}

}
