


ruleset fmt.blank_lines {


  meta {

    name "blank"

  }



  global {
    a = 1

    b = 2



    c = 3
  }
  rule one {

    select when a b

    pre {
      x = 1
    }


    noop()

  }


  rule two { select when a b noop() }
}


