package io.keyspace.notifications.internal.group;

import org.slf4j.Logger;

/**
 * One WARN when a task that retries starts failing and one INFO when it works again, instead
 * of a line per retry for as long as Redis is away. Each instance belongs to one thread.
 */
final class OutageLog {

	private final Logger logger;

	private final String what;

	private boolean failing;

	/** @param what the task, as in "Cannot {what} (…); retrying" */
	OutageLog(Logger logger, String what) {
		this.logger = logger;
		this.what = what;
	}

	void failed(RuntimeException ex) {
		if (!this.failing) {
			this.failing = true;
			this.logger.warn("Cannot {} ({}); retrying", this.what, ex.getMessage());
		}
	}

	void worked() {
		if (this.failing) {
			this.failing = false;
			this.logger.info("{} works again", Character.toUpperCase(this.what.charAt(0)) + this.what.substring(1));
		}
	}

}
