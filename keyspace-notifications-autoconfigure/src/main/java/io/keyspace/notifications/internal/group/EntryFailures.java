package io.keyspace.notifications.internal.group;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which notifications of an entry this member's handler failed on, for the entries it left
 * pending: when it handles such an entry again (it reclaimed it, or read its own pending
 * entries), only those are retried, and only those go to the dead-letter stream; the others
 * of the entry were handled. An entry another member failed on, or one forgotten (at most
 * {@link #CAPACITY} are kept, the oldest go first), is retried whole.
 * <p>
 * Threading: the stream readers and the reclaim thread; its monitor is held for memory only.
 */
final class EntryFailures {

	static final int CAPACITY = 10_000;

	private final Map<String, BitSet> failed = new LinkedHashMap<>(16, 0.75f, false) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, BitSet> eldest) {
			return size() > CAPACITY;
		}

	};

	/** A copy of the positions of the entry still to handle on this member, or null if unknown. */
	synchronized BitSet failedBefore(String stream, String id) {
		BitSet positions = this.failed.get(key(stream, id));
		return (positions != null) ? (BitSet) positions.clone() : null;
	}

	/** Notes the positions still to handle; an empty set forgets the entry (it is done). */
	synchronized void noteFailed(String stream, String id, BitSet positions) {
		if (positions.isEmpty()) {
			this.failed.remove(key(stream, id));
		}
		else {
			this.failed.put(key(stream, id), positions);
		}
	}

	synchronized void forget(String stream, String id) {
		this.failed.remove(key(stream, id));
	}

	private static String key(String stream, String id) {
		return stream + ' ' + id;
	}

}
