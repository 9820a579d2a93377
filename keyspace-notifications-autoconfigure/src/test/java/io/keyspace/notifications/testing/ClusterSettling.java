package io.keyspace.notifications.testing;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import org.awaitility.Awaitility;
import redis.clients.jedis.Jedis;

/**
 * Decides when a {@link LocalRedisCluster} has settled. Nodes learn topology changes by
 * gossip at their own pace, so "settled" means every running node independently reports the
 * same healthy picture, never "some time has passed".
 */
final class ClusterSettling {

	private final ClusterProcesses processes;

	private final Duration timeout;

	ClusterSettling(ClusterProcesses processes, Duration timeout) {
		this.processes = processes;
		this.timeout = timeout;
	}

	/** Waits until every running node sees every other one as a healthy, connected peer. */
	void awaitAllKnown() {
		awaitNoProblem("all nodes to know each other", () -> {
			for (RedisServer server : this.processes.running()) {
				String problem = unknownPeers(ClusterProcesses.view(server));
				if (problem != null) {
					return problem;
				}
			}
			return null;
		});
	}

	ClusterView await() {
		return await("the cluster to settle", (view) -> null);
	}

	/**
	 * Waits until every running node reports {@code cluster_state:ok}, sees every other
	 * running node as healthy, sees every slot owned by a running node with no migration in
	 * progress, agrees with the others on roles and slots, is in sync with its primary if it is
	 * a replica, and {@code extra} (given the agreed view, returning what is still wrong or
	 * {@code null}) accepts. Returns the agreed view.
	 */
	ClusterView await(String what, Function<ClusterView, String> extra) {
		ClusterView[] agreed = new ClusterView[1];
		awaitNoProblem(what, () -> {
			List<RedisServer> running = this.processes.running();
			if (running.isEmpty()) {
				return "no node is running";
			}
			List<Integer> ports = running.stream().map(RedisServer::port).toList();
			String reference = null;
			for (RedisServer server : running) {
				try (Jedis jedis = server.jedis()) {
					if (!jedis.clusterInfo().contains("cluster_state:ok")) {
						return server.hostAndPort() + " has cluster_state other than ok";
					}
					ClusterView view = ClusterView.parse(server.hostAndPort(), jedis.clusterNodes());
					String problem = problemIn(view);
					String described = view.describe(ports);
					if (problem == null && reference != null && !reference.equals(described)) {
						problem = "views differ: " + server.hostAndPort() + " sees " + described + " but "
								+ running.get(0).hostAndPort() + " sees " + reference;
					}
					if (problem == null && !view.myself().isPrimary()
							&& !jedis.info("replication").contains("master_link_status:up")) {
						problem = "replica " + server.hostAndPort() + " is not in sync with its primary";
					}
					if (problem == null && reference == null) {
						agreed[0] = view;
						problem = extra.apply(view);
					}
					if (problem != null) {
						return problem;
					}
					reference = (reference != null) ? reference : described;
				}
			}
			return null;
		});
		return agreed[0];
	}

	private String problemIn(ClusterView view) {
		String problem = unknownPeers(view);
		if (problem != null) {
			return problem;
		}
		if (view.slotsInTransition()) {
			return view.reporter() + " has a slot migration in progress";
		}
		for (String owner : view.slotOwners()) {
			boolean running = owner != null
					&& view.byId(owner).map((entry) -> this.processes.isRunning(entry.port())).orElse(false);
			if (!running) {
				return view + ": slots owned by " + owner + ", which is not running";
			}
		}
		return null;
	}

	private String unknownPeers(ClusterView view) {
		for (RedisServer peer : this.processes.running()) {
			ClusterView.Entry entry = view.byPort(peer.port()).orElse(null);
			if (entry == null) {
				return view.reporter() + " does not know " + peer.hostAndPort();
			}
			if (entry.isUnhealthy() || (!entry.isMyself() && !entry.connected())) {
				return view.reporter() + " sees " + entry;
			}
		}
		return null;
	}

	/**
	 * Polls {@code problem} until it returns {@code null}. Exceptions count as "not yet" (a
	 * node that is restarting refuses connections); the last problem ends up in the timeout
	 * message instead of a bare "condition was false".
	 */
	private void awaitNoProblem(String what, Supplier<String> problem) {
		// First look at once: a settled cluster (the common case, once per key in some tests) costs no wait.
		Awaitility.await(what).atMost(this.timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(25))
			.ignoreExceptions()
			.untilAsserted(() -> {
				String found = problem.get();
				if (found != null) {
					throw new AssertionError(found);
				}
			});
	}

}
