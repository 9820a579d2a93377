/**
 * Help for testing applications that use keyspace notifications: a handler that records what
 * arrives and waits, with a timeout, for the notification a test expects. Free of Spring and
 * of any test library.
 */
package io.keyspace.notifications.test;
