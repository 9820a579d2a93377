/**
 * The engine behind {@link io.keyspace.notifications.KeyspaceNotifications}; nothing here is
 * public API. A message travels: node reader ({@code reader}) → parse (the API's
 * {@code KeyNotification} parser, handed in) → match and filter ({@code match}) → dispatch
 * ({@code dispatch}) → handler; {@code cluster} decides which node of which shard carries
 * which channel, {@code replication} reads a Sentinel or master/replica setup as one shard,
 * and {@code config} checks that the servers publish what is subscribed.
 * <p>
 * <b>Threading.</b> Each node has one <em>reader thread</em> ({@code NodeSubscriber}): it
 * connects, reads frames, and on each message runs match, parse and filter, collecting a
 * batch it hands to the handler lanes when its read buffer is empty; it never runs user code.
 * Each <em>handler lane</em> ({@code Dispatcher}) is one thread with one bounded queue,
 * chosen by key hash, so one key's notifications run in order. One <em>scheduler thread</em>
 * per notifications object runs health checks, the servers' {@code notify-keyspace-events}
 * checks (network I/O, so never on a reader thread or under a lock) and, for a cluster,
 * Sentinel or master/replica setup, topology refreshes; a Sentinel setup adds one reader
 * thread on a sentinel for {@code +switch-master} ({@code SentinelWatcher}, its own monitor
 * held for memory updates only).
 * Callers' threads subscribe and unsubscribe. State and its owners: what is wanted where (the
 * registry and each node's wanted set) is changed under the notifications object's state
 * lock, for memory updates only; each {@code NodeSubscriber} guards its connection and
 * wanted/sent sets with its own lock, taken after the state lock and never held while
 * connecting or reading; the registry is read lock-free by reader threads; each lane's queue
 * is guarded by its own lock, held per batch; counters are lock-free adders. No lock that a
 * caller waits on is held during network I/O: confirmations are awaited without locks, and
 * topology reads hold only the refresh lock that other refreshes wait for.
 */
package io.keyspace.notifications.internal;
