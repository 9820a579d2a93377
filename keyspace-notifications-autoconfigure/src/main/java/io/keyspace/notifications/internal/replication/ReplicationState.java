package io.keyspace.notifications.internal.replication;

import io.keyspace.notifications.RedisNode;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A node's role and replication history, from {@code INFO replication}. The replication id
 * changes whenever the node's history forks: when it is promoted, and when it starts to
 * replicate a master whose history differs (the one promoted in its place). A replica whose id
 * is unchanged since the previous look has been a replica all along.
 *
 * @param master whether {@code role:master}
 * @param replicationId {@code master_replid}, or {@code null} if the reply had none
 */
public record ReplicationState(boolean master, String replicationId) {

	/**
	 * Parses the text of {@code INFO replication}.
	 * @throws IllegalArgumentException if it names no role
	 */
	public static ReplicationState parse(String info) {
		Boolean master = null;
		String id = null;
		for (String line : info.split("\r?\n")) {
			if (line.startsWith("role:")) {
				master = line.substring(5).trim().equals("master");
			}
			else if (line.startsWith("master_replid:")) {
				id = line.substring(14).trim();
			}
		}
		if (master == null) {
			throw new IllegalArgumentException("INFO replication named no role");
		}
		return new ReplicationState(master, id);
	}

	/**
	 * Asks a node on a short-lived connection.
	 * @throws RuntimeException when the node cannot be reached or refuses {@code INFO}
	 */
	public static ReplicationState of(RedisNode node, JedisClientConfig config) {
		try (Jedis jedis = new Jedis(new HostAndPort(node.host(), node.port()), config)) {
			try {
				return parse(jedis.info("replication"));
			}
			catch (JedisDataException ex) {
				// INFO refused by an ACL: the role alone, with a history that never seems to change.
				return new ReplicationState("master".equals(Roles.text(jedis.role().get(0))), "unknown");
			}
		}
	}

}
