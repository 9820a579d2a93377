package io.keyspace.sample.feed;

import java.util.Optional;

/**
 * The id of one server-sent event, {@code <epoch>-<seq>}: the epoch names the application
 * process, so a {@code Last-Event-ID} that a browser resends after the application restarted
 * (the new process numbers its notifications from 1 again) is recognised as foreign and does
 * not hide the new process's notifications.
 *
 * @param epoch the process that sent the event
 * @param seq the notification's number in that process
 */
record EventId(String epoch, long seq) {

	@Override
	public String toString() {
		return this.epoch + "-" + this.seq;
	}

	/** The id the browser sent back, or empty when there is none or it is not one of ours. */
	static Optional<EventId> parse(String value) {
		if (value == null) {
			return Optional.empty();
		}
		int dash = value.lastIndexOf('-');
		if (dash <= 0) {
			return Optional.empty();
		}
		try {
			return Optional.of(new EventId(value.substring(0, dash).strip(), Long.parseLong(value.substring(dash + 1).strip())));
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

}
