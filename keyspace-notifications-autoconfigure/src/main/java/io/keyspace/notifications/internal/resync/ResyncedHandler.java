package io.keyspace.notifications.internal.resync;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;

/**
 * A resynced handler as registered for live notifications (inside its client-side filter, so
 * only what the handler gets counts). While a pass of it runs, it records the keys it gets: a
 * live notification read after the pass began is as new as the scan or newer, so that key's
 * resync notification is skipped. Resync notifications go to {@link #target()} directly,
 * passing the filter by.
 * <p>
 * Threading: called on handler threads; {@link #recording} is set by the resync thread.
 */
public final class ResyncedHandler implements KeyNotificationHandler {

	private final KeyNotificationHandler target;

	private volatile ResyncRun recording;

	ResyncedHandler(KeyNotificationHandler target) {
		this.target = target;
	}

	@Override
	public void onNotification(KeyNotification notification) {
		ResyncRun run = this.recording;
		if (run != null) {
			run.liveKey(notification.key());
		}
		this.target.onNotification(notification);
	}

	KeyNotificationHandler target() {
		return this.target;
	}

	void record(ResyncRun run) {
		this.recording = run;
	}

	@Override
	public boolean mayBlock() {
		return this.target.mayBlock();
	}

	/** The handler's name, for logs and the error handler. */
	@Override
	public String toString() {
		return this.target.toString();
	}

}
