package io.keyspace.notifications.actuate;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.keyspace.notifications.DropReason;
import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.NodeStatus;
import io.keyspace.notifications.NotificationMetrics;
import io.keyspace.notifications.ResyncMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;

/**
 * The counters of a {@link KeyspaceNotifications} as Micrometer meters. Tags are bounded: a
 * node's {@code host:port}, a drop reason, a gap cause; never a key.
 * <ul>
 * <li>{@code keyspace.notifications.received} (node): messages read from each node;</li>
 * <li>{@code keyspace.notifications.filtered}, {@code keyspace.notifications.malformed};</li>
 * <li>{@code keyspace.notifications.dropped} (reason: overflow, shutdown, pull-overflow);</li>
 * <li>{@code keyspace.notifications.queue.size}: notifications waiting for a handler thread;</li>
 * <li>{@code keyspace.notifications.reconnects} (node);</li>
 * <li>{@code keyspace.notifications.gaps} (cause);</li>
 * <li>{@code keyspace.notifications.resyncs} (outcome: completed, restarted, failed): resync passes,
 * {@code keyspace.notifications.resync.keys}: resync calls handled,
 * {@code keyspace.notifications.resync.duration}: a timer of the completed passes, and
 * {@code keyspace.notifications.resync.running}: passes running or waiting.</li>
 * </ul>
 * Nodes come and go in a cluster, so the per-node meters are added as nodes appear: once the
 * context is refreshed (the listener container has subscribed by then) and every
 * {@value #NODE_CHECK_SECONDS} s on one daemon thread, stopped by {@link #close()}.
 */
public class KeyspaceNotificationsMeterBinder
		implements MeterBinder, ApplicationListener<ContextRefreshedEvent>, AutoCloseable {

	static final String PREFIX = "keyspace.notifications.";

	private static final long NODE_CHECK_SECONDS = 10;

	private final KeyspaceNotifications notifications;

	private final Set<String> boundNodes = ConcurrentHashMap.newKeySet();

	private final Map<String, NodeStatus> lastStatus = new ConcurrentHashMap<>();

	private final Map<GapCause, Counter> gaps = new ConcurrentHashMap<>();

	private volatile MeterRegistry registry;

	private final ScheduledExecutorService nodeCheck = Executors.newSingleThreadScheduledExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "keyspace-meters");
		thread.setDaemon(true);
		return thread;
	});

	public KeyspaceNotificationsMeterBinder(KeyspaceNotifications notifications) {
		this.notifications = notifications;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		NotificationMetrics metrics = this.notifications.metrics();
		counter(registry, "filtered", "Valid notifications no handler wanted (key prefix, key or event filter)",
				(m) -> m.filtered());
		counter(registry, "malformed", "Messages that were not valid keyspace notifications", (m) -> m.malformed());
		for (DropReason reason : DropReason.values()) {
			FunctionCounter.builder(PREFIX + "dropped", metrics, (m) -> m.dropped(reason))
				.description("Notifications dropped: handlers too slow, shutdown, or a full pull queue")
				.tag("reason", reason.tag())
				.register(registry);
		}
		Gauge.builder(PREFIX + "queue.size", metrics, NotificationMetrics::queued)
			.description("Notifications waiting for a handler thread")
			.register(registry);
		for (GapCause cause : GapCause.values()) {
			this.gaps.put(cause, Counter.builder(PREFIX + "gaps")
				.description("Interruptions of delivery, reported once delivery resumed")
				.tag("cause", cause.name().toLowerCase(Locale.ROOT))
				.register(registry));
		}
		this.notifications.addGapListener((gap) -> this.gaps.get(gap.cause()).increment());
		bindResync(registry, metrics.resync());
		this.registry = registry;
		bindNodes(registry);
		this.nodeCheck.scheduleWithFixedDelay(() -> bindNodes(registry), NODE_CHECK_SECONDS, NODE_CHECK_SECONDS,
				TimeUnit.SECONDS);
	}

	private static void bindResync(MeterRegistry registry, ResyncMetrics resync) {
		Map<String, ToDoubleFunction<ResyncMetrics>> outcomes = Map.of("completed", ResyncMetrics::completed,
				"restarted", ResyncMetrics::restarted, "failed", ResyncMetrics::failed);
		outcomes.forEach((outcome, count) -> FunctionCounter.builder(PREFIX + "resyncs", resync, count)
			.description("Resync passes of resynced handlers: completed, begun again after a new gap, or failed")
			.tag("outcome", outcome)
			.register(registry));
		FunctionCounter.builder(PREFIX + "resync.keys", resync, ResyncMetrics::keys)
			.description("Resync calls of handlers: one per key a pass found")
			.register(registry);
		FunctionTimer.builder(PREFIX + "resync.duration", resync, ResyncMetrics::completed,
				(r) -> r.time().toNanos(), TimeUnit.NANOSECONDS)
			.description("How long the completed resync passes took")
			.register(registry);
		Gauge.builder(PREFIX + "resync.running", resync, ResyncMetrics::running)
			.description("Resync passes running or waiting to run")
			.register(registry);
	}

	@Override
	public void onApplicationEvent(ContextRefreshedEvent event) {
		MeterRegistry bound = this.registry;
		if (bound != null) {
			bindNodes(bound);
		}
	}

	@Override
	public void close() {
		this.nodeCheck.shutdownNow();
	}

	/** Adds the per-node meters of nodes not seen before. */
	void bindNodes(MeterRegistry registry) {
		for (NodeStatus status : this.notifications.nodes()) {
			String node = status.node();
			if (this.boundNodes.add(node)) {
				FunctionCounter.builder(PREFIX + "received", this.notifications, (n) -> lastKnown(node, true))
					.description("Messages read from a node on its subscriptions")
					.tag("node", node)
					.register(registry);
				FunctionCounter.builder(PREFIX + "reconnects", this.notifications, (n) -> lastKnown(node, false))
					.description("Connections to a node restored after an outage")
					.tag("node", node)
					.register(registry);
			}
		}
	}

	/** A node's count now, or the last one seen once its reader is gone: counters never go back. */
	private double lastKnown(String node, boolean received) {
		for (NodeStatus status : this.notifications.nodes()) {
			if (status.node().equals(node)) {
				this.lastStatus.put(node, status);
			}
		}
		NodeStatus status = this.lastStatus.get(node);
		return (status == null) ? 0 : (received ? status.received() : status.reconnects());
	}

	private void counter(MeterRegistry registry, String name, String description,
			ToDoubleFunction<NotificationMetrics> value) {
		FunctionCounter.builder(PREFIX + name, this.notifications.metrics(), value)
			.description(description)
			.register(registry);
	}

}
