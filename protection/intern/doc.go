// Package intern keeps the strings of a computation's tables (user ids,
// addresses, URLs, names) and the numbers they are interned as, in
// containers without pointers: a tenant of a million users is a few hundred
// chunks and slices for the garbage collector, not millions of objects.
// Strings holds the bytes, Index finds a number by its key, Set is a set
// of numbers and Positions numbers a few of them densely. None of them
// knows what a mailbox or a job is: those rules stay in protection.
//
// Tests: strtab_test.go covers Strings and Index (index.go), set_test.go
// Set, positions_test.go Positions.
package intern
