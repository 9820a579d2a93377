/**
 * Step three: which handlers want a message. The registry of wanted channels is the single
 * source of truth for every node connection, and matching a message is one hash lookup on
 * the channel or pattern Redis says it matched.
 */
package io.keyspace.notifications.match;
