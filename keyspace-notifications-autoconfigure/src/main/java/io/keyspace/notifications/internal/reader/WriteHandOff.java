package io.keyspace.notifications.internal.reader;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Puts the writes to one connection in order without making any thread wait for another's
 * network write. A thread that asks for a write while another is writing leaves it to that
 * one, which looks again after its own write and takes what was asked for meanwhile. So every
 * request is written, in the order the writes were taken, and the lock held across the
 * socket write is only ever try-locked: nobody waits for it.
 */
final class WriteHandOff {

	private final ReentrantLock writing = new ReentrantLock();

	private final AtomicBoolean requested = new AtomicBoolean();

	private final Supplier<? extends Runnable> takeWrite;

	/**
	 * @param takeWrite takes what is due (marking it taken) and returns the write that sends
	 * it, or {@code null} for none; called by one thread at a time
	 */
	WriteHandOff(Supplier<? extends Runnable> takeWrite) {
		this.takeWrite = takeWrite;
	}

	/** Writes what is due now on this thread, or leaves it to the thread writing at the moment. */
	void request() {
		this.requested.set(true);
		// The holder checks the flag again after releasing the lock: a request made while it
		// held the lock is seen either by it or by the requester's own tryLock.
		while (this.requested.get() && this.writing.tryLock()) {
			try {
				this.requested.set(false);
				Runnable write = this.takeWrite.get();
				if (write != null) {
					write.run();
				}
			}
			finally {
				this.writing.unlock();
			}
		}
	}

}
