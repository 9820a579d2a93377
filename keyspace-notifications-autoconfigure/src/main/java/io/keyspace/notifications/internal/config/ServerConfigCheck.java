package io.keyspace.notifications.internal.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * node), a subscription that needs letters not checked yet ({@link #subscriptionsChanged}: then
 * every node is checked), and periodically ({@link #recheckAll}), because a {@code CONFIG SET}
 * by someone else under a running subscriber closes no connection and would go unnoticed.
 * <p>
 * What it says: per node and change of state, not per check. Missing letters are a WARN (in
 * APPLY mode only when they cannot be set, or when a periodic check finds letters gone that
 * were there) and stay in {@link #missingOn} until a check finds them there again, which is
 * an INFO. A refused {@code CONFIG GET} is an INFO, and such a node is not polled.
 * <p>
 * Threading: the triggers other than the periodic one only hand a task to the scheduler and
 * return, so they may be called on a reader thread or under the state lock. The checks
 * themselves (network I/O) and all state below run on the scheduler's one thread, without any
 * lock; {@link #missingOn} may be read from any thread.
 */
public final class ServerConfigCheck {

	private static final Logger logger = LoggerFactory.getLogger(ServerConfigCheck.class);

	/** Channels named in a WARN; a registry of thousands would otherwise make one huge line. */
	private static final int CHANNELS_NAMED = 5;

	private final ServerConfigMode mode;

	private final NodeConfigAccess access;

	private final Supplier<? extends Collection<Subscription>> subscriptions;

	private final Supplier<? extends Map<RedisNode, ? extends Collection<String>>> nodes;

	private final Executor scheduler;

	private final AtomicBoolean recheckRequested = new AtomicBoolean();

	// Written on the scheduler thread only; read by subscribing threads to skip a recheck that
	// could find nothing new.
	private volatile String checkedOnAllNodes = "";

	private final Map<RedisNode, NodeReport> reports = new HashMap<>();

	// Written on the scheduler thread, read by status calls on any thread.
	private final Map<RedisNode, String> missing = new ConcurrentHashMap<>();

	/**
	 * @param mode what to do; {@link ServerConfigMode#NONE} does nothing at all
	 * @param settings how to connect, for the short-lived {@code CONFIG} connections
	 * @param subscriptions the registry's channels with their handlers
	 * @param nodes the nodes that carry subscriptions now, each with the channels its server
	 * confirmed (none while it connects or reconnects)
	 * @param scheduler the one thread the checks run on
	 */
	public ServerConfigCheck(ServerConfigMode mode, ConnectionSettings settings,
			Supplier<? extends Collection<Subscription>> subscriptions,
			Supplier<? extends Map<RedisNode, ? extends Collection<String>>> nodes, Executor scheduler) {
		this(mode, new JedisNodeConfigAccess(settings), subscriptions, nodes, scheduler);
	}

	ServerConfigCheck(ServerConfigMode mode, NodeConfigAccess access,
			Supplier<? extends Collection<Subscription>> subscriptions,
			Supplier<? extends Map<RedisNode, ? extends Collection<String>>> nodes, Executor scheduler) {
		this.mode = mode;
		this.access = access;
		this.subscriptions = subscriptions;
		this.nodes = nodes;
		this.scheduler = scheduler;
	}

	/** A node's subscriber connection opened (first time or again): check that node soon. */
	public void nodeConnected(RedisNode node) {
		if (this.mode != ServerConfigMode.NONE) {
			run(() -> check(node, required(), false));
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

	/**
	 * {@link #subscriptionsChanged()} when {@code changed} (the subscriptions that gained a
	 * channel or a handler, as they are now) need letters not checked on every node yet; else
	 * nothing. Costs what changed, not what the registry holds: a recheck reads the whole
	 * registry, and requested once per subscribe call it kept the scheduler thread busy while
	 * thousands of channels were subscribed one call each.
	 */
	public void subscriptionsChanged(Collection<Subscription> changed) {
		if (this.mode == ServerConfigMode.NONE || NotificationFlags.covers(this.checkedOnAllNodes, changed)) {
			return;
		}
		subscriptionsChanged();
	}

	/**
	 * The periodic check, to be run on the scheduler thread itself: checks again every node
	 * whose server confirmed subscriptions. A node that is connecting or reconnecting is left to
	 * the check its connection triggers, so a dead node never holds up the scheduler here; one
	 * that refused {@code CONFIG GET} too, as each refusal is an entry in the server's ACL LOG.
	 */
	public void recheckAll() {
		if (this.mode == ServerConfigMode.NONE) {
			return;
		}
		guarded(() -> {
			String required = required();
			currentNodes().forEach((node, confirmed) -> {
				NodeReport report = this.reports.get(node);
				if (!confirmed.isEmpty() && (report == null || !report.refused)) {
					check(node, required, true);
				}
			});
		});
	}

	/**
	 * The flags the node's server lacked at its last check, empty if none (or not known).
	 * @param node a node
	 * @return the missing letters in Redis's order
	 */
	public String missingOn(RedisNode node) {
		return this.missing.getOrDefault(node, "");
	}

	private void recheckIfMoreNeeded() {
		this.recheckRequested.set(false);
		String required = required();
		if (NotificationFlags.missing(this.checkedOnAllNodes, required).isEmpty()) {
			return;
		}
		this.checkedOnAllNodes = NotificationFlags.merge(this.checkedOnAllNodes, required);
		currentNodes().keySet().forEach((node) -> check(node, required, false));
	}

	/** The nodes now; what was found on nodes no longer read is forgotten. */
	private Map<RedisNode, ? extends Collection<String>> currentNodes() {
		Map<RedisNode, ? extends Collection<String>> current = this.nodes.get();
		this.reports.keySet().retainAll(current.keySet());
		this.missing.keySet().retainAll(current.keySet());
		return current;
	}

	private String required() {
		return NotificationFlags.required(this.subscriptions.get());
	}

	/** @param periodic whether this is the periodic check, which finds changes nobody announced */
	private void check(RedisNode node, String required, boolean periodic) {
		if (required.isEmpty()) {
			this.missing.remove(node); // nothing subscribed: nothing can be missing
			return;
		}
		NodeReport report = this.reports.computeIfAbsent(node, (n) -> new NodeReport());
		String current;
		try {
			current = this.access.get(node);
		}
		catch (JedisDataException ex) {
			if (!report.refused) {
				report.refused = true;
				logger.info("Cannot check notify-keyspace-events on {}: {}. Make sure the server publishes '{}' for the "
						+ "subscribed keyspace notifications, or set keyspace-notifications.server-config=none "
						+ "(ServerConfigMode.NONE) to skip this check", node, ex.getMessage(), required);
			}
			return;
		}
		catch (JedisException ex) {
			logger.debug("Cannot check notify-keyspace-events on {} now ({}); checked again later", node,
					ex.getMessage());
			return;
		}
		report.refused = false;
		String lacking = NotificationFlags.missing(current, required);
		if (lacking.isEmpty()) {
			publishes(node, report, current);
			return;
		}
		// Letters found gone by a periodic check were there before: someone changed the setting.
		boolean changed = periodic && report.complete;
		report.complete = false;
		String merged = NotificationFlags.merge(current, required);
		String refusal = "";
		if (this.mode == ServerConfigMode.APPLY) {
			try {
				this.access.set(node, merged);
			}
			catch (JedisDataException ex) {
				refusal = ", and CONFIG SET was refused (" + ex.getMessage() + ")";
			}
			catch (JedisException ex) {
				logger.debug("Cannot set notify-keyspace-events on {} now ({}); tried again later", node,
						ex.getMessage());
				return;
			}
			if (refusal.isEmpty()) {
				applied(node, report, current, merged, lacking, changed);
				return;
			}
		}
		lacks(node, report, current, lacking, merged, refusal, changed);
	}

	/** A check found every letter needed: the end of a problem reported before, if any. */
	private void publishes(RedisNode node, NodeReport report, String current) {
		report.complete = true;
		this.missing.remove(node);
		if (report.lastWarning != null) {
			report.lastWarning = null; // a later loss is a new change, warned about again
			logger.info("Redis at {} publishes every keyspace notification subscribed here again: "
					+ "notify-keyspace-events is '{}'", node, current);
		}
	}

	private void applied(RedisNode node, NodeReport report, String current, String merged, String lacking,
			boolean changed) {
		report.complete = true;
		report.lastWarning = null;
		this.missing.remove(node);
		if (changed) {
			logger.warn("notify-keyspace-events on {} had been changed to '{}', which lacks '{}' (a CONFIG SET, or a "
					+ "restart without it in the server's configuration); set it to '{}' again. Notifications on {} "
					+ "published meanwhile were lost", node, current, lacking, merged, affected(current));
		}
		else {
			logger.info("Set notify-keyspace-events on {} from '{}' to '{}': the subscribed keyspace notifications "
					+ "need '{}'", node, current, merged, lacking);
		}
	}

	private void lacks(RedisNode node, NodeReport report, String current, String lacking, String merged,
			String refusal, boolean changed) {
		this.missing.put(node, lacking);
		String fix = "CONFIG SET notify-keyspace-events '" + merged + "'";
		if (fix.equals(report.lastWarning)) {
			return; // still the problem reported: once per change, not per check
		}
		report.lastWarning = fix;
		logger.warn("Redis at {} {} every keyspace notification subscribed here: notify-keyspace-events is '{}' and "
				+ "lacks '{}'{}, so nothing that needs it is published on {}. Fix: {} (also in the server's "
				+ "configuration, as a restart forgets CONFIG SET){}", node,
				changed ? "no longer publishes" : "does not publish", current, lacking, refusal, affected(current),
				fix,
				(this.mode == ServerConfigMode.APPLY) ? ""
						: ", or let the library set it with keyspace-notifications.server-config=apply "
								+ "(ServerConfigMode.APPLY)");
	}

	/** The subscribed channels that need a letter {@code current} lacks, the first few by name, sorted. */
	private String affected(String current) {
		List<String> names = new ArrayList<>();
		for (Subscription subscription : this.subscriptions.get()) {
			String needed = NotificationFlags.required(subscription.channel(), subscription.eventGlobs());
			if (!NotificationFlags.missing(current, needed).isEmpty()) {
				names.add(subscription.channel().toString());
			}
		}
		names.sort(null);
		if (names.size() <= CHANNELS_NAMED) {
			return String.join(", ", names);
		}
		return String.join(", ", names.subList(0, CHANNELS_NAMED)) + " and " + (names.size() - CHANNELS_NAMED)
				+ " more channel(s)";
	}

	private void run(Runnable task) {
		try {
			this.scheduler.execute(() -> guarded(task));
		}
		catch (RejectedExecutionException ex) {
			// Closed meanwhile: nothing left to check.
		}
	}

	private static void guarded(Runnable task) {
		try {
			task.run();
		}
		catch (RuntimeException ex) {
			// Never let a bug here go unseen: the executor would swallow it (and end a periodic task).
			logger.warn("Checking notify-keyspace-events failed", ex);
		}
	}

	/** What was last found and told about one node, so each change is logged once, not per check. */
	private static final class NodeReport {

		private boolean refused; // the last CONFIG GET was refused

		private boolean complete; // the last check found (or set) every letter needed

		private String lastWarning; // the fix last warned about, null once the letters are there

	}

}
