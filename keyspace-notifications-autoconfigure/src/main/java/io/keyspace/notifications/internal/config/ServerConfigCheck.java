package io.keyspace.notifications.internal.config;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.ServerConfigMode;
import io.keyspace.notifications.internal.match.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Makes sure the servers publish what is subscribed: checks (or, in {@link ServerConfigMode#APPLY},
 * sets) each node's {@code notify-keyspace-events} against the letters the registry needs
 * ({@link NotificationFlags}).
 * <p>
 * When: a node's subscriber connection opened ({@link #nodeConnected}: the first subscription,
 * every reconnect, since a restarted server forgets a {@code CONFIG SET}, and every new cluster
 * node), and a subscription that needs letters not checked yet ({@link #subscriptionsChanged}:
 * then every node is checked).
 * <p>
 * Threading: both triggers only hand a task to the scheduler and return, so they may be called
 * on a reader thread or under the state lock. The checks themselves (network I/O) and all
 * state below run on the scheduler's one thread, without any lock.
 */
public final class ServerConfigCheck {

	private static final Logger logger = LoggerFactory.getLogger(ServerConfigCheck.class);

	private final ServerConfigMode mode;

	private final NodeConfigAccess access;

	private final Supplier<? extends Collection<Subscription>> subscriptions;

	private final Supplier<? extends Collection<RedisNode>> nodes;

	private final Executor scheduler;

	private final AtomicBoolean recheckRequested = new AtomicBoolean();

	// Scheduler thread only.
	private String checkedOnAllNodes = "";

	private final Map<RedisNode, NodeReport> reports = new HashMap<>();

	/**
	 * @param mode what to do; {@link ServerConfigMode#NONE} does nothing at all
	 * @param settings how to connect, for the short-lived {@code CONFIG} connections
	 * @param subscriptions the registry's channels with their handlers
	 * @param nodes the nodes that carry subscriptions now
	 * @param scheduler the one thread the checks run on
	 */
	public ServerConfigCheck(ServerConfigMode mode, ConnectionSettings settings,
			Supplier<? extends Collection<Subscription>> subscriptions, Supplier<? extends Collection<RedisNode>> nodes,
			Executor scheduler) {
		this(mode, new JedisNodeConfigAccess(settings), subscriptions, nodes, scheduler);
	}

	ServerConfigCheck(ServerConfigMode mode, NodeConfigAccess access,
			Supplier<? extends Collection<Subscription>> subscriptions, Supplier<? extends Collection<RedisNode>> nodes,
			Executor scheduler) {
		this.mode = mode;
		this.access = access;
		this.subscriptions = subscriptions;
		this.nodes = nodes;
		this.scheduler = scheduler;
	}

	/** A node's subscriber connection opened (first time or again): check that node soon. */
	public void nodeConnected(RedisNode node) {
		if (this.mode != ServerConfigMode.NONE) {
			run(() -> check(node, required()));
		}
	}

	/**
	 * Channels or handlers were added: if they need letters not checked yet, check every node
	 * soon. Requests made while one is pending are merged.
	 */
	public void subscriptionsChanged() {
		if (this.mode != ServerConfigMode.NONE && this.recheckRequested.compareAndSet(false, true)) {
			run(this::recheckIfMoreNeeded);
		}
	}

	private void recheckIfMoreNeeded() {
		this.recheckRequested.set(false);
		String required = required();
		if (NotificationFlags.missing(this.checkedOnAllNodes, required).isEmpty()) {
			return;
		}
		this.checkedOnAllNodes = NotificationFlags.merge(this.checkedOnAllNodes, required);
		this.nodes.get().forEach((node) -> check(node, required));
	}

	private String required() {
		return NotificationFlags.required(this.subscriptions.get());
	}

	private void check(RedisNode node, String required) {
		if (required.isEmpty()) {
			return;
		}
		NodeReport report = this.reports.computeIfAbsent(node, (n) -> new NodeReport());
		String current;
		try {
			current = this.access.get(node);
		}
		catch (JedisDataException ex) {
			if (!report.refusalLogged) {
				report.refusalLogged = true;
				logger.info("Cannot check notify-keyspace-events on {}: {}. Make sure the server publishes '{}' for the "
						+ "subscribed keyspace notifications, or set keyspace-notifications.server-config=none "
						+ "(ServerConfigMode.NONE) to skip this check", node, ex.getMessage(), required);
			}
			return;
		}
		catch (JedisException ex) {
			logger.debug("Cannot check notify-keyspace-events on {} now ({}); checked again when it reconnects", node,
					ex.getMessage());
			return;
		}
		String missing = NotificationFlags.missing(current, required);
		if (missing.isEmpty()) {
			report.lastWarning = null; // a later loss is a new change, warned about again
			return;
		}
		String merged = NotificationFlags.merge(current, required);
		String refusal = "";
		if (this.mode == ServerConfigMode.APPLY) {
			try {
				this.access.set(node, merged);
				report.lastWarning = null;
				logger.info("Set notify-keyspace-events on {} from '{}' to '{}': the subscribed keyspace notifications "
						+ "need '{}'", node, current, merged, missing);
				return;
			}
			catch (JedisDataException ex) {
				refusal = ", and CONFIG SET was refused (" + ex.getMessage() + ")";
			}
			catch (JedisException ex) {
				logger.debug("Cannot set notify-keyspace-events on {} now ({}); tried again when it reconnects", node,
						ex.getMessage());
				return;
			}
		}
		String fix = "CONFIG SET notify-keyspace-events '" + merged + "'";
		if (!fix.equals(report.lastWarning)) {
			report.lastWarning = fix;
			logger.warn("Redis at {} does not publish every keyspace notification subscribed here: "
					+ "notify-keyspace-events is '{}' and lacks '{}'{}. Fix: {} (also in the server's configuration, "
					+ "as a restart forgets CONFIG SET){}", node, current, missing, refusal, fix,
					(this.mode == ServerConfigMode.APPLY) ? ""
							: ", or let the library set it with keyspace-notifications.server-config=apply "
									+ "(ServerConfigMode.APPLY)");
		}
	}

	private void run(Runnable task) {
		try {
			this.scheduler.execute(() -> {
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					// Never let a bug here go unseen: the executor would swallow it.
					logger.warn("Checking notify-keyspace-events failed", ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// Closed meanwhile: nothing left to check.
		}
	}

	/** What was last told about one node, so each problem is logged once, not per reconnect. */
	private static final class NodeReport {

		private boolean refusalLogged;

		private String lastWarning; // the fix last warned about, null after a good check

	}

}
