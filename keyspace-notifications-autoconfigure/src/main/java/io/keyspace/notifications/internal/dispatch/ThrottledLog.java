package io.keyspace.notifications.internal.dispatch;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Reports a recurring problem (dropped or malformed notifications) at most once per
 * interval, with the count since the last report, so that a flood is loud but does not
 * flood the log or slow the reader thread.
 */
public final class ThrottledLog {

	private final long intervalNanos;

	private final LongConsumer report;

	private final AtomicLong lastReport;

	private final AtomicLong pending = new AtomicLong();

	/**
	 * @param interval minimum time between two reports
	 * @param report writes the log line, given the number of occurrences since the last one
	 */
	public ThrottledLog(long interval, TimeUnit unit, LongConsumer report) {
		this.intervalNanos = unit.toNanos(interval);
		this.report = report;
		this.lastReport = new AtomicLong(System.nanoTime() - this.intervalNanos);
	}

	public void record(long occurrences) {
		this.pending.addAndGet(occurrences);
		long last = this.lastReport.get();
		long now = System.nanoTime();
		if (now - last >= this.intervalNanos && this.lastReport.compareAndSet(last, now)) {
			this.report.accept(this.pending.getAndSet(0));
		}
	}

}
