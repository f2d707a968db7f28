// An address book kept in the pico data store, written the way applications use
// io.picolabs.pds: as a module for reading, through `pds` events for writing.
ruleset test.address_book {
  meta {
    name "address book"
    use module io.picolabs.pds alias pds
    shares contact, contacts, owner, saved
  }

  global {
    book = "address_book"

    contact = function(name) {
      pds:items(book, name){"general"}
    }
    contacts = function() {
      pds:get_keys(book).defaultsTo([])
    }
    owner = function() {
      pds:profile("name"){"profile"}
    }
    // How many contacts the store said it saved, as heard through its `data_added` events.
    saved = function() {
      ent:saved.defaultsTo(0)
    }
  }

  rule add_contact {
    select when address_book add name re#(.+)# phone re#(.*)# setting(name, phone)
    send_directive("adding", {"name": name})
    always {
      raise pds event "new_data_available"
        attributes {"namespace": book, "key": name, "value": {"phone": phone}}
    }
  }

  rule count_saved {
    select when pds data_added namespace re#^address_book$#
    always {
      ent:saved := saved() + 1
    }
  }

  rule sign {
    select when address_book sign owner re#(.+)# setting(owner_name)
    always {
      raise pds event "updated_profile" attributes {"name": owner_name}
    }
  }
}
