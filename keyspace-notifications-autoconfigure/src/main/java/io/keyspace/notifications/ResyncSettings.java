package io.keyspace.notifications;

/**
 * How resync passes read the keyspace ({@link KeyspaceNotifications#subscribeResynced}).
 *
 * @param batchSize the {@code COUNT} of each {@code SCAN} call: keys the server looks at per call
 * @param keysPerSecond at most this many resync notifications per second, over all passes, so
 * that a big keyspace is read without starving the server or the handlers; 0 for no limit
 */
public record ResyncSettings(int batchSize, int keysPerSecond) {

	public static final ResyncSettings DEFAULT = new ResyncSettings(1000, 50_000);

	public ResyncSettings {
		if (batchSize < 1) {
			throw new IllegalArgumentException("resync batchSize must be at least 1, was " + batchSize);
		}
		if (keysPerSecond < 0) {
			throw new IllegalArgumentException("resync keysPerSecond must not be negative, was " + keysPerSecond);
		}
	}

}
