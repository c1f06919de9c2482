// Package intern keeps the strings of a refresh's tables (user ids,
// addresses, URLs, names) and the numbers they are interned as, in
// containers without pointers: a tenant of a million users is a few hundred
// chunks and slices for the garbage collector, not millions of objects.
// Strings holds the bytes, Index finds a number by its key, Set is a set
// of numbers and Positions numbers a few of them densely. None of them
// knows what a mailbox or a job is: those rules stay in protection.
package intern
