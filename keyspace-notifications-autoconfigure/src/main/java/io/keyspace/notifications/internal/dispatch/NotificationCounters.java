package io.keyspace.notifications.internal.dispatch;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

import io.keyspace.notifications.DropReason;
import io.keyspace.notifications.NotificationMetrics;
import io.keyspace.notifications.ResyncMetrics;

/**
 * The recording side of {@link NotificationMetrics}: reader threads, handler threads and
 * {@code close()} record here, users only read. {@code inFlight} is counted on its own, not
 * derived from the others, so that a notification that never reaches an outcome shows.
 */
public final class NotificationCounters implements NotificationMetrics {

	private final LongAdder received = new LongAdder();

	private final LongAdder delivered = new LongAdder();

	private final LongAdder filtered = new LongAdder();

	private final LongAdder malformed = new LongAdder();

	private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);

	private final LongAdder inFlight = new LongAdder();

	private final LongAdder handlerErrors = new LongAdder();

	private final LongAdder disconnects = new LongAdder();

	private final Resyncs resyncs = new Resyncs();

	// The dispatcher reports its lanes' depth; until one is attached there is no queue.
	private volatile IntSupplier queueDepth = () -> 0;

	public NotificationCounters() {
		for (DropReason reason : DropReason.values()) {
			this.dropped.put(reason, new LongAdder());
		}
	}

	@Override
	public long received() {
		return this.received.sum();
	}

	@Override
	public long delivered() {
		return this.delivered.sum();
	}

	@Override
	public long filtered() {
		return this.filtered.sum();
	}

	@Override
	public long malformed() {
		return this.malformed.sum();
	}

	@Override
	public long dropped() {
		long total = 0;
		for (LongAdder count : this.dropped.values()) {
			total += count.sum();
		}
		return total;
	}

	@Override
	public long dropped(DropReason reason) {
		return this.dropped.get(reason).sum();
	}

	@Override
	public long inFlight() {
		return this.inFlight.sum();
	}

	@Override
	public int queued() {
		return this.queueDepth.getAsInt();
	}

	@Override
	public long handlerErrors() {
		return this.handlerErrors.sum();
	}

	@Override
	public long disconnects() {
		return this.disconnects.sum();
	}

	/** A message read on a subscribed channel or pattern that gets its outcome at once (not queued). */
	public void recordReceived() {
		this.received.increment();
	}

	/** A message that nobody wanted. */
	public void recordFiltered() {
		this.filtered.increment();
	}

	/** A message that was not a valid notification. */
	public void recordMalformed() {
		this.malformed.increment();
	}

	/** A notification put in the pull queue or taken by a sink: delivered without being in flight. */
	public void recordPulled() {
		this.delivered.increment();
	}

	/** A notification the full pull queue could not take. */
	public void recordPullOverflow() {
		this.dropped.get(DropReason.PULL_OVERFLOW).increment();
	}

	/** A notification a full {@link io.keyspace.notifications.NotificationSink} refused. */
	public void recordSinkOverflow() {
		this.dropped.get(DropReason.SUBSCRIBER_OVERFLOW).increment();
	}

	/** Messages read and handed to the dispatcher: in flight until delivered or dropped. */
	public void recordReceivedInFlight(int count) {
		this.received.add(count);
		this.inFlight.add(count);
	}

	/** An in-flight notification was handed to all its handlers. */
	public void recordDelivered() {
		this.delivered.increment();
		this.inFlight.decrement();
	}

	/** In-flight notifications were dropped. */
	public void recordDropped(DropReason reason, long count) {
		this.dropped.get(reason).add(count);
		this.inFlight.add(-count);
	}

	public void recordHandlerError() {
		this.handlerErrors.increment();
	}

	public void recordDisconnect() {
		this.disconnects.increment();
	}

	@Override
	public Resyncs resync() {
		return this.resyncs;
	}

	void reportQueueDepthFrom(IntSupplier depth) {
		this.queueDepth = depth;
	}

	@Override
	public String toString() {
		return "received=" + received() + ", delivered=" + delivered() + ", filtered=" + filtered() + ", malformed="
				+ malformed() + ", dropped=" + dropped() + " " + droppedByReason() + ", inFlight=" + inFlight()
				+ ", queued=" + queued() + ", handlerErrors=" + handlerErrors() + ", disconnects=" + disconnects();
	}

	private Map<String, Long> droppedByReason() {
		Map<String, Long> byReason = new LinkedHashMap<>();
		this.dropped.forEach((reason, count) -> byReason.put(reason.tag(), count.sum()));
		return byReason;
	}

	/** The recording side of {@link ResyncMetrics}; the resync thread records. */
	public static final class Resyncs implements ResyncMetrics {

		private final LongAdder completed = new LongAdder();

		private final LongAdder restarted = new LongAdder();

		private final LongAdder failed = new LongAdder();

		private final LongAdder keys = new LongAdder();

		private final LongAdder nanos = new LongAdder();

		private final AtomicInteger running = new AtomicInteger();

		@Override
		public long completed() {
			return this.completed.sum();
		}

		@Override
		public long restarted() {
			return this.restarted.sum();
		}

		@Override
		public long failed() {
			return this.failed.sum();
		}

		@Override
		public long keys() {
			return this.keys.sum();
		}

		@Override
		public Duration time() {
			return Duration.ofNanos(this.nanos.sum());
		}

		@Override
		public int running() {
			return this.running.get();
		}

		public void recordCompleted(long keys, long nanos) {
			this.completed.increment();
			this.keys.add(keys);
			this.nanos.add(nanos);
		}

		public void recordRestarted(long keys) {
			this.restarted.increment();
			this.keys.add(keys);
		}

		public void recordFailed(long keys) {
			this.failed.increment();
			this.keys.add(keys);
		}

		/** Passes running or waiting, as the resync thread counts them. */
		public void setRunning(int running) {
			this.running.set(running);
		}

		@Override
		public String toString() {
			return "completed=" + completed() + ", restarted=" + restarted() + ", failed=" + failed() + ", keys="
					+ keys() + ", running=" + running();
		}

	}

}
