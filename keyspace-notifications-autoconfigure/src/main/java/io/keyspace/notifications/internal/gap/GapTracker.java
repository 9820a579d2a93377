package io.keyspace.notifications.internal.gap;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.RedisNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a gap when a node stops delivering and reports it, once, when delivery is confirmed
 * again. Threading: called from reader threads, the scheduler and callers; the open gaps are
 * guarded by this object's monitor, held only for map updates. Listeners run on one daemon
 * "keyspace-gaps" thread, in order, so a slow listener delays only later gap reports.
 */
public final class GapTracker implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(GapTracker.class);

	private final Clock clock;

	private final List<Consumer<NotificationGap>> listeners = new CopyOnWriteArrayList<>();

	private final ExecutorService reporter = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "keyspace-gaps");
		thread.setDaemon(true);
		return thread;
	});

	private final Map<RedisNode, Open> open = new HashMap<>(); // guarded by this

	private final Map<String, LongAdder> reported = new ConcurrentHashMap<>();

	private final Map<String, Instant> lastLost = new ConcurrentHashMap<>();

	public GapTracker(Clock clock) {
		this.clock = clock;
	}

	public void addListener(Consumer<NotificationGap> listener) {
		this.listeners.add(listener);
	}

	public Instant now() {
		return this.clock.instant();
	}

	/**
	 * A node stopped delivering the given channels; a gap already open for it stays as it is.
	 * @param lastHeard when its connection last delivered: the gap starts there (or now, if
	 * the clock says that is later)
	 */
	public synchronized void nodeLost(RedisNode node, Set<String> channels, Instant lastHeard) {
		if (!this.open.containsKey(node)) {
			Instant now = now();
			this.open.put(node, new Open(lastHeard.isBefore(now) ? lastHeard : now, channels, GapCause.DISCONNECTED));
			this.lastLost.put(node.toString(), now);
		}
	}

	/** When a node ({@code host:port}) last stopped delivering, even if its gap is still open; null if never. */
	public Instant lastLost(String node) {
		return this.lastLost.get(node);
	}

	/** A node confirmed its subscriptions again: its open gap, if any, ends now. */
	public void nodeResumed(RedisNode node) {
		Open gap;
		synchronized (this) {
			gap = this.open.remove(node);
		}
		if (gap != null) {
			report(new NotificationGap(node.toString(), gap.cause(), gap.start(), now(), gap.channels(), 0));
		}
	}

	/** A lost node will not come back: its gap ends when its successors confirm, with this cause. */
	public synchronized void nodeReplaced(RedisNode node, GapCause cause) {
		this.open.computeIfPresent(node, (n, gap) -> new Open(gap.start(), gap.channels(), cause));
	}

	/** Successors of replaced nodes are confirmed: their gaps end now. */
	public void successorsConfirmed(Set<RedisNode> stillReading) {
		Map<RedisNode, Open> ended = new HashMap<>();
		synchronized (this) {
			this.open.entrySet().removeIf((entry) -> {
				if (stillReading.contains(entry.getKey())) {
					return false;
				}
				ended.put(entry.getKey(), entry.getValue());
				return true;
			});
		}
		Instant end = now();
		ended.forEach((node, gap) -> report(
				new NotificationGap(node.toString(), gap.cause(), gap.start(), end, gap.channels(), 0)));
	}

	/** A gap that is over already, e.g. channels that followed a slot move, or an overflow episode. */
	public void report(NotificationGap gap) {
		this.reported.computeIfAbsent(gap.node(), (node) -> new LongAdder()).increment();
		if (this.listeners.isEmpty()) {
			return;
		}
		try {
			this.reporter.execute(() -> this.listeners.forEach((listener) -> notify(listener, gap)));
		}
		catch (RejectedExecutionException ex) {
			// closed: nobody is listening anymore
		}
	}

	/** Gaps reported for a node ({@code host:port}) so far. */
	public long reportedFor(String node) {
		LongAdder count = this.reported.get(node);
		return (count != null) ? count.sum() : 0;
	}

	/** Whether a gap is open for a node. */
	public synchronized boolean isOpen(RedisNode node) {
		return this.open.containsKey(node);
	}

	/** Reports what is queued (briefly), then stops the gap thread. */
	@Override
	public void close() {
		this.reporter.shutdown();
		try {
			this.reporter.awaitTermination(1, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void notify(Consumer<NotificationGap> listener, NotificationGap gap) {
		try {
			listener.accept(gap);
		}
		catch (RuntimeException ex) {
			logger.warn("A notification gap listener failed for {}", gap, ex);
		}
	}

	private record Open(Instant start, Set<String> channels, GapCause cause) {
	}

}
