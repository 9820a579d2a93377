package io.keyspace.sample.stock;

import java.util.concurrent.atomic.AtomicLong;

import io.keyspace.notifications.EventType;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.listener.NotificationGapEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Puts the units of an expired hold back into stock. Every instance hears every expiry, but
 * with a group only one of them handles it: run two instances and each hold is released
 * once (the release is idempotent too, as a group delivers at least once).
 */
@Component
class HoldExpiry {

	private static final Logger logger = LoggerFactory.getLogger(HoldExpiry.class);

	private final Stock stock;

	private final AtomicLong calls = new AtomicLong();

	private final AtomicLong released = new AtomicLong();

	HoldExpiry(Stock stock) {
		this.stock = stock;
	}

	@OnKeyEvent(key = StockKeys.HOLD_PREFIX + "*", event = EventType.EXPIRED, group = "release-holds")
	void holdExpired(String key) {
		String[] hold = StockKeys.parseHold(key);
		if (hold == null) {
			return;
		}
		this.calls.incrementAndGet();
		long units = this.stock.release(hold[0], hold[1]);
		if (units > 0) {
			this.released.addAndGet(units);
			logger.info("Hold {} on {} expired: released {} unit(s)", hold[1], hold[0], units);
		}
	}

	/**
	 * Expiries may have gone unhandled (no instance forwarded them, or the forwarder's
	 * connection was down): release the holds whose key is gone. Idempotent, so every
	 * instance may do it.
	 */
	@EventListener
	void resync(NotificationGapEvent event) {
		long units = this.stock.releaseOrphans();
		this.released.addAndGet(units);
		logger.info("{}: released {} unit(s) of holds that expired unseen", event.gap(), units);
	}

	/** Expiries this instance handled (its share of the group's work). */
	long calls() {
		return this.calls.get();
	}

	/** Units this instance put back. */
	long released() {
		return this.released.get();
	}

}
