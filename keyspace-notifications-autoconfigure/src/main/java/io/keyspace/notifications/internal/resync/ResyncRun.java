package io.keyspace.notifications.internal.resync;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.ResyncPass;

/**
 * One pass of one handler on one node, as its listener sees it, and the handler its resync
 * notifications are queued for: on a handler thread, it skips a notification once the pass was
 * abandoned for a newer one, or when the handler got a live notification of the key since the
 * pass began.
 * <p>
 * Threading: created and abandoned by the resync thread; {@link #liveKey} and
 * {@link #onNotification} run on handler threads.
 */
final class ResyncRun implements ResyncPass, KeyNotificationHandler {

	private final ResyncRegistration registration;

	private final ResyncTarget target;

	private final NotificationGap cause;

	private final byte[] keyPrefix;

	private final Set<String> liveKeys = ConcurrentHashMap.newKeySet();

	private final AtomicLong keys = new AtomicLong();

	private final KeyNotificationHandler[] asHandlers = { this };

	private volatile boolean abandoned;

	private long handedOver; // resync thread only

	private long lastReport; // resync thread only: System.nanoTime() of the last progress log

	ResyncRun(ResyncRegistration registration, ResyncTarget target, NotificationGap cause, byte[] keyPrefix) {
		this.registration = registration;
		this.target = target;
		this.cause = cause;
		this.keyPrefix = keyPrefix;
	}

	@Override
	public String node() {
		return this.target.node().toString();
	}

	@Override
	public boolean covers(String key) {
		byte[] stored = stored(key);
		return this.target.owns(stored) && this.registration.scope().matches(stored);
	}

	@Override
	public long keys() {
		return this.keys.get();
	}

	@Override
	public Optional<NotificationGap> cause() {
		return Optional.ofNullable(this.cause);
	}

	/** A resync notification reached its handler thread. */
	@Override
	public void onNotification(KeyNotification notification) {
		if (this.abandoned || this.liveKeys.contains(notification.key())) {
			return;
		}
		this.keys.incrementAndGet();
		this.registration.handler().target().onNotification(notification);
	}

	void handedOver(int count) {
		this.handedOver += count;
	}

	long handedOver() {
		return this.handedOver;
	}

	void progress(long nanos) {
		this.lastReport = nanos;
	}

	long lastReport() {
		return this.lastReport;
	}

	void liveKey(String key) {
		this.liveKeys.add(key);
	}

	/** A newer pass of the same handler and node replaces this one: what is queued is skipped. */
	void abandon() {
		this.abandoned = true;
	}

	boolean abandoned() {
		return this.abandoned;
	}

	ResyncRegistration registration() {
		return this.registration;
	}

	ResyncTarget target() {
		return this.target;
	}

	KeyNotificationHandler[] asHandlers() {
		return this.asHandlers;
	}

	private byte[] stored(String key) {
		byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
		if (this.keyPrefix.length == 0) {
			return bytes;
		}
		byte[] stored = new byte[this.keyPrefix.length + bytes.length];
		System.arraycopy(this.keyPrefix, 0, stored, 0, this.keyPrefix.length);
		System.arraycopy(bytes, 0, stored, this.keyPrefix.length, bytes.length);
		return stored;
	}

	@Override
	public boolean mayBlock() {
		return this.registration.handler().mayBlock();
	}

	/** The handler's name, for logs and the error handler. */
	@Override
	public String toString() {
		return this.registration.handler().toString();
	}

}
