package io.keyspace.sample.status;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails.Node;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * The Redis the application uses, as shown on the page: never a password.
 *
 * @param address {@code host:port} (of the first seed node in a cluster)
 * @param cli the {@code redis-cli} invocation that reaches the same server and database
 */
record RedisAddress(String address, String cli) {

	static RedisAddress of(DataRedisConnectionDetails details) {
		if (details.getCluster() != null && !details.getCluster().getNodes().isEmpty()) {
			Node node = details.getCluster().getNodes().get(0);
			return new RedisAddress(node.host() + ":" + node.port(), cli(node.host(), node.port(), 0) + " -c");
		}
		DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
		return new RedisAddress(standalone.getHost() + ":" + standalone.getPort(),
				cli(standalone.getHost(), standalone.getPort(), standalone.getDatabase()));
	}

	private static String cli(String host, int port, int database) {
		boolean local = host.equals("localhost") || host.equals("127.0.0.1");
		return "redis-cli" + (local ? "" : " -h " + host) + " -p " + port + ((database != 0) ? " -n " + database : "");
	}

}
