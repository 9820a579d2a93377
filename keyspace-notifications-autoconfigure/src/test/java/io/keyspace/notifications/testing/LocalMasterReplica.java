package io.keyspace.notifications.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import redis.clients.jedis.Jedis;

/**
 * A plain master/replica pair of {@link RedisServer} processes on loopback, without
 * Sentinel: for "static master/replica" setups where a client is given both addresses and
 * finds the master with {@code ROLE}. Roles are read from the nodes: after
 * {@link #promoteReplica()} the node started as replica is the master.
 */
public final class LocalMasterReplica implements AutoCloseable {

	private final ReplicationNodes nodes;

	private final Duration timeout;

	private LocalMasterReplica(Builder builder) {
		this.nodes = new ReplicationNodes(builder.nodeConfig());
		this.timeout = builder.timeout;
	}

	public static Builder builder() {
		return new Builder();
	}

	/** A master and one replica with {@code notify-keyspace-events KEA}. */
	public static LocalMasterReplica start() {
		return builder().start();
	}

	/** Both data nodes in start order (the first started as master), also stopped ones. */
	public List<RedisServer> nodes() {
		return this.nodes.all();
	}

	/** {@code "127.0.0.1:port"} of every running node, e.g. for a client that finds the master by {@code ROLE}. */
	public List<String> seedNodes() {
		return this.nodes.running().stream().map(RedisServer::hostAndPort).toList();
	}

	/** The node that is master now, once every running node replicates from it in sync. */
	public RedisServer master() {
		RedisServer[] master = new RedisServer[1];
		Polling.untilNoProblem("a master with its replica in sync", this.timeout, this.nodes.all(), () -> {
			master[0] = this.nodes.currentMaster();
			return this.nodes.problemWithMaster(master[0]);
		});
		return master[0];
	}

	/** The running node that replicates from {@link #master()}. */
	public RedisServer replica() {
		RedisServer master = master();
		return this.nodes.running()
			.stream()
			.filter((node) -> node != master)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No replica of " + master.hostAndPort() + " is running"));
	}

	/**
	 * Makes the replica the master the way an operator does without Sentinel:
	 * {@code REPLICAOF NO ONE} on the replica, then {@code REPLICAOF <new master>} on the old
	 * master (each followed by {@code CONFIG REWRITE}, so a restart keeps the new roles).
	 * Writes acknowledged before the call survive ({@code WAIT}); writes racing with it may
	 * be lost, as in the real thing. Returns the new master once the old one is in sync with it.
	 */
	public RedisServer promoteReplica() {
		RedisServer oldMaster = master();
		RedisServer newMaster = replica();
		try (Jedis jedis = oldMaster.jedis()) {
			jedis.waitReplicas(1, this.timeout.toMillis());
		}
		try (Jedis jedis = newMaster.jedis()) {
			jedis.replicaofNoOne();
			jedis.configRewrite();
		}
		try (Jedis jedis = oldMaster.jedis()) {
			jedis.replicaof(newMaster.host(), newMaster.port());
			jedis.configRewrite();
		}
		this.nodes.awaitMaster(newMaster, oldMaster.hostAndPort() + " to sync with promoted " + newMaster.hostAndPort(),
				this.timeout);
		return newMaster;
	}

	/** Kills both nodes and deletes their directories. */
	@Override
	public void close() {
		this.nodes.close();
	}

	/** Settings; node defaults add {@code notify-keyspace-events KEA}. */
	public static final class Builder {

		private final List<Consumer<RedisServer.Builder>> config = new ArrayList<>();

		private String notifyKeyspaceEvents = "KEA";

		private Duration timeout = Duration.ofSeconds(20);

		private Builder() {
		}

		/** {@code notify-keyspace-events} of both nodes; {@code ""} turns notifications off. */
		public Builder notifyKeyspaceEvents(String flags) {
			this.notifyKeyspaceEvents = Objects.requireNonNull(flags);
			return this;
		}

		/** A config directive for both nodes (see {@link RedisServer.Builder#config(String, String...)}). */
		public Builder config(String name, String... values) {
			this.config.add((builder) -> builder.config(name, values));
			return this;
		}

		/** A repeatable config line for both nodes (see {@link RedisServer.Builder#addConfig(String, String...)}). */
		public Builder addConfig(String name, String... values) {
			this.config.add((builder) -> builder.addConfig(name, values));
			return this;
		}

		/** How long helpers wait for the nodes to reach the expected roles and sync. */
		public Builder timeout(Duration timeout) {
			this.timeout = Objects.requireNonNull(timeout);
			return this;
		}

		/** Starts the master, then the replica, and waits until the replica is in sync. */
		public LocalMasterReplica start() {
			LocalMasterReplica setup = new LocalMasterReplica(this);
			try {
				setup.nodes.start(1, this.timeout);
				return setup;
			}
			catch (RuntimeException ex) {
				setup.close();
				throw ex;
			}
		}

		Consumer<RedisServer.Builder> nodeConfig() {
			String flags = this.notifyKeyspaceEvents;
			List<Consumer<RedisServer.Builder>> extra = List.copyOf(this.config);
			return (builder) -> {
				builder.config("notify-keyspace-events", flags);
				extra.forEach((step) -> step.accept(builder));
			};
		}

	}

}
